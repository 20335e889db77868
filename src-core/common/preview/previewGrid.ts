/**
 * The decimated grids of the edit preview (pure): level s keeps the pixels whose row and column are
 * multiples of s, so a preview pixel is an exact pixel of the stack (same numbers as the full run there).
 * A view box (full-resolution rows/cols, end-exclusive) maps to the level's rows/cols it contains; the
 * level is the finest whose pixels in the box fit the budget (about the screen's pixels).
 */

/** Decimation factors of the preview store, finest first. */
export const PREVIEW_LEVELS = [2, 4, 8, 16, 32] as const;

/** The app's default pixel budget of a preview (≈ a full-HD map view at one pixel per preview pixel). */
export const PREVIEW_MAX_PIXELS = 300_000;

/** The most pixels the renderer asks for (its map canvas, capped here). */
export const PREVIEW_REQUEST_MAX = 1_000_000;

/**
 * Pair-pixels a preview inverts at most: a pixel's cost grows with the kept pairs (M + the Cholesky's
 * fill), so a large network gets a coarser level. 300k pixels up to 120 pairs (the notebook's 86 pairs:
 * 0.6 s for 225k pixels on a loaded 2-core machine); MintPy's GPU-benchmark size (475 pairs, 98 dates)
 * 76k (1 in 4 of the whole image), where 275k pixels took 1.6–2 s on the same machine unloaded.
 */
export const PREVIEW_MAX_PAIR_PIXELS = 120 * PREVIEW_MAX_PIXELS;

/** The pixel budget of a preview of `keptPairs` pairs when the view asks for `maxPixels`. */
export function previewPixelBudget(maxPixels: number, keptPairs: number): number {
  return Math.max(1, Math.min(Math.floor(maxPixels), Math.floor(PREVIEW_MAX_PAIR_PIXELS / Math.max(1, keptPairs))));
}

export interface PixelWindow {
  /** full-resolution rows [row0, row1) and columns [col0, col1) */
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

export interface LevelWindow {
  step: number;
  /** level rows [r0, r1), columns [c0, c1) (level pixel (r, c) is stack pixel (r·step, c·step)) */
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** Clip a view box to the grid (rounded outwards to whole pixels); null when nothing of it is on the grid. */
export function clipWindow(w: PixelWindow, length: number, width: number): PixelWindow | null {
  const row0 = Math.max(0, Math.floor(w.row0));
  const col0 = Math.max(0, Math.floor(w.col0));
  const row1 = Math.min(length, Math.ceil(w.row1));
  const col1 = Math.min(width, Math.ceil(w.col1));
  if (!(row1 > row0 && col1 > col0)) return null;
  return { row0, row1, col0, col1 };
}

/** The level rows/cols of `step` inside a (clipped) full-resolution window. */
export function levelWindow(w: PixelWindow, step: number): LevelWindow {
  return {
    step,
    r0: Math.ceil(w.row0 / step),
    r1: Math.ceil(w.row1 / step),
    c0: Math.ceil(w.col0 / step),
    c1: Math.ceil(w.col1 / step),
  };
}

/** The finest level whose pixels in the window are at most `maxPixels` (the coarsest if none is). */
export function choosePreviewLevel(
  w: PixelWindow,
  maxPixels: number,
  levels: readonly number[] = PREVIEW_LEVELS,
): LevelWindow {
  for (const s of levels) {
    const lw = levelWindow(w, s);
    if ((lw.r1 - lw.r0) * (lw.c1 - lw.c0) <= maxPixels) return lw;
  }
  return levelWindow(w, levels[levels.length - 1]);
}

/** Size of level `step` of a length × width grid. */
export function levelSize(length: number, width: number, step: number): { rows: number; cols: number } {
  return { rows: Math.ceil(length / step), cols: Math.ceil(width / step) };
}
