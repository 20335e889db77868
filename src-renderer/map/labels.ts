/**
 * Text labels on the map (an area's name, a transect's A and A′) as HTML markers: they need no glyph
 * server, stay offline, and carry an accessible name. One set of labels per owner key, replaced as a whole.
 */
import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap } from 'maplibre-gl';

export interface MapLabel {
  lon: number;
  lat: number;
  text: string;
  color: string;
  /** what a screen reader hears (default: the text) */
  name?: string;
}

const sets = new Map<string, maplibregl.Marker[]>();

/** Replace the labels of `key` on `map`. */
export function setLabels(map: MlMap, key: string, labels: MapLabel[]): void {
  clearLabels(key);
  const markers = labels.map((l) => {
    const el = document.createElement('div');
    el.className = 'map-label';
    el.textContent = l.text;
    el.style.borderColor = l.color;
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', l.name ?? l.text);
    el.dataset.testid = `map-label-${key}`;
    return new maplibregl.Marker({ element: el, anchor: 'bottom-left', offset: [4, -4] })
      .setLngLat([l.lon, l.lat])
      .addTo(map);
  });
  sets.set(key, markers);
}

export function clearLabels(key: string): void {
  for (const m of sets.get(key) ?? []) m.remove();
  sets.delete(key);
}
