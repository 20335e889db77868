/**
 * The georeferencing of a raster file (DEM, water mask) for reprojection: its EPSG code and GDAL
 * geotransform, from GeoTIFF geokeys (PixelIsPoint shifted by half a pixel, as GDAL does), a VRT's <SRS> or
 * an ENVI header (`coordinate system string`, else `map info`). What MintPy's prep_nisar asks GDAL for
 * (`_read_raster_epsg`), without GDAL.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fromFile } from 'geotiff';
import { InputError } from '../../common/pipeline/types';
import { epsgOfUtmZone, isSupportedEpsg, WGS84 } from '../../common/geo/crs';
import { findEnviHeader, parseEnviHeaderText } from './envi';
import type { Raster } from './vrt';

/** EPSG code from WKT (1 or 2): the outermost AUTHORITY/ID, else a recognisable WGS 84 / UTM name. */
export function epsgOfWkt(wkt: string): number | null {
  const ids = [...wkt.matchAll(/(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
  // the last one closes the outermost CRS in WKT1; in WKT2 the CRS's own ID also comes last
  if (ids.length) return Number(ids[ids.length - 1][1]);
  const utm = /UTM[ _]zone[ _](\d{1,2})\s*([NS])/i.exec(wkt);
  if (utm && /WGS[ _]?(19)?84/i.test(wkt)) return epsgOfUtmZone(`${utm[1]}${utm[2]}`);
  if (/^\s*GEOG(CS|CRS)\s*\[/i.test(wkt) && /WGS[ _]?(19)?84/i.test(wkt)) return WGS84;
  return null;
}

/** EPSG from an ENVI header: `coordinate system string`, else `map info` (Geographic Lat/Lon, UTM). */
function enviEpsg(raw: Record<string, string>): number | null {
  const css = raw['coordinate system string'];
  if (css) {
    const e = epsgOfWkt(css);
    if (e) return e;
  }
  const mi = raw['map info'];
  if (!mi) return null;
  const p = mi.split(',').map((s) => s.trim());
  if (/^geographic lat\/lon$/i.test(p[0])) return WGS84;
  if (/^utm$/i.test(p[0]) && p.length >= 9) return epsgOfUtmZone(`${p[7]}${/^s/i.test(p[8]) ? 'S' : 'N'}`);
  return null;
}

export interface RasterGeo {
  epsg: number;
  /** [x0, dx, 0, y0, 0, dy] of the outer corner of the upper-left pixel */
  geoTransform: number[];
}

/** EPSG and geotransform of `raster` (opened with openRaster); an InputError naming the file if unknown. */
export async function rasterGeo(raster: Raster): Promise<RasterGeo> {
  const path = raster.path;
  let epsg: number | null = null;
  let gt = raster.geoTransform;
  const ext = extname(path).toLowerCase();
  if (ext === '.tif' || ext === '.tiff') {
    const image = await (await fromFile(path)).getImage();
    const keys = (image.getGeoKeys() ?? {}) as Record<string, number | string | undefined>;
    const proj = Number(keys.ProjectedCSTypeGeoKey);
    const geog = Number(keys.GeographicTypeGeoKey);
    if (Number(keys.GTModelTypeGeoKey) === 1 || (Number.isFinite(proj) && proj !== 32767)) {
      if (Number.isFinite(proj) && proj !== 32767) epsg = proj;
      else if (typeof keys.GTCitationGeoKey === 'string') epsg = epsgOfWkt(keys.GTCitationGeoKey);
    } else if (Number.isFinite(geog) && geog !== 32767) epsg = geog;
    else if (Number(keys.GeogGeodeticDatumGeoKey) === 6326 || Number(keys.GTModelTypeGeoKey) === 2) epsg = WGS84;
    // GTRasterTypeGeoKey 2 = PixelIsPoint: the tie point is a pixel centre (GDAL moves it half a pixel)
    if (gt && Number(keys.GTRasterTypeGeoKey) === 2) gt = [gt[0] - gt[1] / 2, gt[1], 0, gt[3] - gt[5] / 2, 0, gt[5]];
  } else if (ext === '.vrt') {
    const m = /<SRS[^>]*>([\s\S]*?)<\/SRS>/i.exec(readFileSync(path, 'utf8'));
    if (m) epsg = epsgOfWkt(m[1].replace(/&quot;/g, '"'));
  } else {
    const hdr = findEnviHeader(path);
    if (hdr) epsg = enviEpsg(parseEnviHeaderText(readFileSync(hdr, 'utf8'), hdr).raw);
  }
  if (epsg === null) throw new InputError(`${path}: no coordinate system (EPSG) found in the raster`);
  if (!isSupportedEpsg(epsg))
    throw new InputError(`${path}: EPSG:${epsg} is not supported (WGS 84 lat/lon 4326 and UTM 326xx/327xx are)`);
  if (!gt) throw new InputError(`${path}: no geotransform (the raster is not georeferenced)`);
  if (gt[2] !== 0 || gt[4] !== 0) throw new InputError(`${path}: rotated geotransforms are not supported`);
  return { epsg, geoTransform: gt };
}
