/** The raster worker's typed message map (MapLibre actor style): name → [params, result]. */

/** Display of a data tile: colour map and limits (display units), and what to do with no data and masked pixels. */
export interface TileDisplay {
  cmap: string;
  vmin: number;
  vmax: number;
  /** multiply values before colouring (m → cm) */
  scale: number;
  /** subtracted before scaling: the display reference pixel's value (src-core applyOffset); 0 = none */
  offset?: number;
  /** mask on: masked and no-data pixels transparent; off: masked pixels coloured, no data in `noDataRgba` */
  maskOn: boolean;
  noDataRgba: [number, number, number, number];
  /** only the edge of the drawn, non-zero pixels (a mask's outline); needs tiles with pad ≥ 1 */
  outline?: boolean;
}

export interface ColorTileParams extends TileDisplay {
  /** n × n samples with `pad` extra pixels per side (only the inner size × size is coloured) */
  values: Float32Array;
  /** 0 valid, 1 no data, 2 masked */
  flags: Uint8Array;
  n: number;
  pad: number;
}

export interface HillshadeTileParams {
  /** n × n heights (m) with `pad` ≥ 1 extra pixels per side for the gradient */
  heights: Float32Array;
  n: number;
  pad: number;
  /** size of a tile pixel on the ground, m */
  dx: number;
  dy: number;
  azimuthDeg: number;
  altitudeDeg: number;
}

/** A whole small raster (the edit preview) coloured into one PNG: values × scale, NaN transparent. */
export interface ColorImageParams {
  /** width × height values, row-major */
  values: Float32Array;
  width: number;
  height: number;
  cmap: string;
  vmin: number;
  vmax: number;
  scale: number;
}

export interface WorkerMessages {
  colorTile: [ColorTileParams, { bitmap: ImageBitmap }];
  hillshadeTile: [HillshadeTileParams, { bitmap: ImageBitmap }];
  colorImage: [ColorImageParams, { blob: Blob }];
}
export type WorkerTask = keyof WorkerMessages;
export interface WorkerRequest<K extends WorkerTask = WorkerTask> {
  id: number;
  task: K;
  params: WorkerMessages[K][0];
}
export type WorkerResponse = { id: number; result: unknown } | { id: number; error: string };
