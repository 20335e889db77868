/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module 'shpjs' {
  import type { FeatureCollection, Geometry } from 'geojson';
  type Bytes = ArrayBuffer | ArrayBufferView;
  /** a zipped shapefile (one layer: a FeatureCollection; several: one per layer, with fileName) */
  export function parseZip(
    buffer: Bytes,
    whiteList?: string[],
  ): Promise<(FeatureCollection & { fileName?: string }) | (FeatureCollection & { fileName?: string })[]>;
  export function parseShp(shp: Bytes, prj?: string | Bytes): Geometry[];
  export function parseDbf(dbf: Bytes, cpg?: string | Bytes): Record<string, unknown>[];
  export function combine(parts: [Geometry[], Record<string, unknown>[] | undefined]): FeatureCollection;
}
