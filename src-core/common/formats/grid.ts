/** A geocoded raster grid as MintPy describes it (pure: shared by the core and the renderer contract). */
export interface GeoGrid {
  length: number;
  width: number;
  /** outer corner of the upper-left pixel (MintPy X_FIRST/Y_FIRST) */
  xFirst: number;
  yFirst: number;
  xStep: number;
  yStep: number;
}
