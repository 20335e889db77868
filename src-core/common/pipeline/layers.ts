/** How the app shows a dataset a step writes (pure: the step descriptors and the API contract share it). */

/** A 2-D map, a 0/1 mask, a time series (one date at a time), one pair of a stack, geometry. */
export type LayerKind = 'map' | 'mask' | 'timeseries' | 'pair' | 'geometry';

/** A dataset of a file a step writes that the app can show as a map layer. */
export interface LayerSpec {
  /** path relative to the work dir */
  file: string;
  dataset: string;
  label: string;
  kind: LayerKind;
}

/** What the app knows of a step (the pure part of its descriptor). */
export interface StepInfo {
  name: string;
  description: string;
  /** template keys that determine its outputs (`prefix.*` = every key under it) */
  keys: string[];
  /** work-dir-relative files it writes */
  writes: string[];
  layers: LayerSpec[];
  tiled?: string;
}
