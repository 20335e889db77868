/**
 * A stand-in for a MapLibre map that records what adapters do: sources (with their last data), layers in
 * drawing order (honouring `beforeId`), paint and layout properties. Enough for adapter tests without WebGL.
 */
import type { Map as MlMap } from 'maplibre-gl';

export interface FakeLayer {
  id: string;
  type: string;
  source?: string;
  paint: Record<string, unknown>;
  layout: Record<string, unknown>;
}

export class FakeMap {
  sources = new Map<string, { spec: Record<string, unknown>; data?: unknown; image?: unknown; tiles?: string[] }>();
  layers: FakeLayer[] = [];
  fitted: unknown[] = [];
  /** the map's container (its style: the basemap's water is its background) */
  container = { style: {} as Record<string, string> };

  addSource(id: string, spec: Record<string, unknown>): void {
    if (this.sources.has(id)) throw new Error(`source ${id} exists`);
    const s: { spec: Record<string, unknown>; data?: unknown; image?: unknown; tiles?: string[] } = {
      spec,
      data: spec.data,
      tiles: spec.tiles as string[] | undefined,
    };
    this.sources.set(id, s);
  }
  getSource(id: string) {
    const s = this.sources.get(id);
    if (!s) return undefined;
    return {
      setData: (d: unknown) => (s.data = d),
      updateImage: (i: unknown) => (s.image = i),
      setTiles: (t: string[]) => (s.tiles = t),
    };
  }
  removeSource(id: string): void {
    if (this.layers.some((l) => l.source === id)) throw new Error(`source ${id} still used`);
    this.sources.delete(id);
  }
  addLayer(
    spec: { id: string; type: string; source?: string; paint?: object; layout?: object },
    before?: string,
  ): void {
    if (this.getLayer(spec.id)) throw new Error(`layer ${spec.id} exists`);
    if (spec.source && !this.sources.has(spec.source)) throw new Error(`no source ${spec.source}`);
    const l: FakeLayer = {
      id: spec.id,
      type: spec.type,
      source: spec.source,
      paint: { ...spec.paint },
      layout: { ...spec.layout },
    };
    const i = before ? this.layers.findIndex((x) => x.id === before) : -1;
    if (before && i < 0) throw new Error(`no layer ${before} to insert before`);
    if (i < 0) this.layers.push(l);
    else this.layers.splice(i, 0, l);
  }
  moveLayer(id: string, before?: string): void {
    const l = this.getLayer(id);
    if (!l) throw new Error(`no layer ${id} to move`);
    if (before === id) return;
    this.layers = this.layers.filter((x) => x.id !== id);
    const i = before ? this.layers.findIndex((x) => x.id === before) : -1;
    if (before && i < 0) throw new Error(`no layer ${before} to move before`);
    if (i < 0) this.layers.push(l);
    else this.layers.splice(i, 0, l);
  }
  getLayer(id: string): FakeLayer | undefined {
    return this.layers.find((l) => l.id === id);
  }
  removeLayer(id: string): void {
    this.layers = this.layers.filter((l) => l.id !== id);
  }
  /** set…Property calls, each a frame in MapLibre */
  propertyCalls = 0;
  getPaintProperty(id: string, k: string): unknown {
    return this.getLayer(id)?.paint[k];
  }
  getLayoutProperty(id: string, k: string): unknown {
    return this.getLayer(id)?.layout[k];
  }
  setPaintProperty(id: string, k: string, v: unknown): void {
    this.propertyCalls++;
    const l = this.getLayer(id);
    if (!l) throw new Error(`no layer ${id}`);
    l.paint[k] = v;
  }
  setLayoutProperty(id: string, k: string, v: unknown): void {
    this.propertyCalls++;
    const l = this.getLayer(id);
    if (!l) throw new Error(`no layer ${id}`);
    l.layout[k] = v;
  }
  once(_event: string, f: () => void): void {
    f();
  }
  on(_event: string, _f: () => void): void {}
  off(_event: string, _f: () => void): void {}
  isSourceLoaded(id: string): boolean {
    return this.sources.has(id);
  }
  fitBounds(b: unknown): void {
    this.fitted.push(b);
  }
  /** what the map shows (set by a test): bounds in degrees and MapLibre's zoom */
  view = { west: -180, south: -85, east: 180, north: 85, zoom: 1 };
  getBounds() {
    const v = this.view;
    return { getWest: () => v.west, getSouth: () => v.south, getEast: () => v.east, getNorth: () => v.north };
  }
  getZoom(): number {
    return this.view.zoom;
  }
  getContainer() {
    return this.container;
  }
  get ids(): string[] {
    return this.layers.map((l) => l.id);
  }
  asMap(): MlMap {
    return this as unknown as MlMap;
  }
}
