/** The raster worker's typed message map (MapLibre actor style): name → [params, result]. */
export interface ColorizeParams {
  values: Float32Array;
  width: number;
  height: number;
  cmap: string;
  vmin: number;
  vmax: number;
  /** multiply values before colouring (m → cm) */
  scale: number;
  /** subtracted before scaling: the display reference pixel's value (src-core applyOffset); 0 = none */
  offset?: number;
  /** 0 = hide pixel */
  mask: Uint8Array | null;
}
export interface HillshadeParams {
  height: Float32Array;
  width: number;
  length: number;
  /** pixel size in metres */
  dx: number;
  dy: number;
  azimuthDeg: number;
  altitudeDeg: number;
}
export interface WorkerMessages {
  colorize: [ColorizeParams, { blob: Blob }];
  hillshade: [HillshadeParams, { blob: Blob }];
}
export type WorkerTask = keyof WorkerMessages;
export interface WorkerRequest<K extends WorkerTask = WorkerTask> {
  id: number;
  task: K;
  params: WorkerMessages[K][0];
}
export type WorkerResponse = { id: number; result: unknown } | { id: number; error: string };
