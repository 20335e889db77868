/** Rivers and lakes of the offline basemap in a box (src-core/node/basemap/waterways: Natural Earth 1:50m). */
import type { FeatureCollection } from 'geojson';

export interface Waterways {
  /** river and lake centrelines (MultiLineString), clipped to the box */
  rivers: FeatureCollection;
  /** lakes and reservoirs (MultiPolygon), clipped to the box */
  lakes: FeatureCollection;
  /** where the lines come from (data set, licence, package) */
  source: string;
}
