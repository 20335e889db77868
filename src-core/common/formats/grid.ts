/** A geocoded raster grid as MintPy describes it (pure: shared by the core and the renderer contract). */
export interface GeoGrid {
  length: number;
  width: number;
  /** outer corner of the upper-left pixel (MintPy X_FIRST/Y_FIRST), in the grid's CRS (degrees or metres) */
  xFirst: number;
  yFirst: number;
  xStep: number;
  yStep: number;
  /**
   * EPSG code of a projected grid (MintPy's EPSG / UTM_ZONE attributes, e.g. 32611 for a NISAR GUNW on UTM
   * zone 11N); absent for WGS 84 lat/lon (4326). Convert with src-core/common/geo/gridCoords.
   */
  epsg?: number;
}
