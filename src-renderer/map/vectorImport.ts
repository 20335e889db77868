/**
 * The user's vector files as GeoJSON, read in the page (nothing leaves it): GeoJSON, KML and KMZ and GPX
 * (@tmcw/togeojson; KMZ unzipped with fflate), shapefiles as a .zip or as the .shp/.dbf/.prj/.cpg files
 * chosen together (shpjs, which reprojects to lon/lat with the .prj). Each problem is one line naming the file.
 */
import type { FeatureCollection } from 'geojson';
import { gpx, kml } from '@tmcw/togeojson';
import { strFromU8, unzipSync } from 'fflate';
import { combine, parseDbf, parseShp, parseZip } from 'shpjs';

export interface VectorFile {
  name: string;
  bytes: Uint8Array;
}

export interface VectorLayer {
  name: string;
  data: FeatureCollection;
}

/** the extensions the importer reads (the file picker's accept list) */
export const VECTOR_ACCEPT = '.geojson,.json,.kml,.kmz,.gpx,.zip,.shp,.dbf,.prj,.cpg';

const ext = (n: string) => n.slice(n.lastIndexOf('.') + 1).toLowerCase();
const stem = (n: string) => n.slice(0, n.lastIndexOf('.'));

/** A GeoJSON text as a FeatureCollection (a lone Feature or geometry is wrapped), or an error naming what is wrong. */
export function parseGeoJson(text: string): FeatureCollection {
  let g: { type?: unknown; features?: unknown; geometry?: unknown };
  try {
    g = JSON.parse(text) as typeof g;
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (g?.type === 'FeatureCollection' && Array.isArray(g.features)) return g as FeatureCollection;
  if (g?.type === 'Feature') return { type: 'FeatureCollection', features: [g as FeatureCollection['features'][0]] };
  const geometries = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'];
  if (typeof g?.type === 'string' && geometries.includes(g.type))
    return {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: g as FeatureCollection['features'][0]['geometry'] }],
    };
  throw new Error(
    `not GeoJSON: "type" is ${JSON.stringify(g?.type)}, expected a FeatureCollection, Feature or geometry`,
  );
}

function xml(text: string, what: string): Document {
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error(`not a readable ${what} (XML error)`);
  return doc;
}

function kmlText(text: string): FeatureCollection {
  const doc = xml(text, 'KML');
  if (!doc.getElementsByTagName('kml').length && !doc.getElementsByTagName('Document').length)
    throw new Error('not KML: no <kml> element');
  return kml(doc) as FeatureCollection;
}

function kmzBytes(bytes: Uint8Array): FeatureCollection {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw new Error('not a KMZ (not a zip archive)');
  }
  const names = Object.keys(files).filter((n) => ext(n) === 'kml');
  const main = names.find((n) => n.toLowerCase() === 'doc.kml') ?? names[0];
  if (!main) throw new Error('a KMZ without a .kml inside');
  return kmlText(strFromU8(files[main]));
}

function nonEmpty(name: string, fc: FeatureCollection): VectorLayer {
  const features = fc.features.filter((f) => f.geometry);
  if (!features.length) throw new Error(`${name}: no features with a geometry`);
  return { name, data: { type: 'FeatureCollection', features } };
}

/**
 * The layers in a set of chosen files. A shapefile's parts (.shp with its .dbf, .prj, .cpg) are matched by
 * name; a .dbf/.prj/.cpg without its .shp is named in the error.
 */
export async function readVectorFiles(files: VectorFile[]): Promise<VectorLayer[]> {
  const out: VectorLayer[] = [];
  const byStem = new Map<string, Map<string, Uint8Array>>();
  for (const f of files) {
    const e = ext(f.name);
    try {
      if (e === 'geojson' || e === 'json') out.push(nonEmpty(f.name, parseGeoJson(strFromU8(f.bytes))));
      else if (e === 'kml') out.push(nonEmpty(f.name, kmlText(strFromU8(f.bytes))));
      else if (e === 'kmz') out.push(nonEmpty(f.name, kmzBytes(f.bytes)));
      else if (e === 'gpx') out.push(nonEmpty(f.name, gpx(xml(strFromU8(f.bytes), 'GPX')) as FeatureCollection));
      else if (e === 'zip') {
        let r;
        try {
          r = await parseZip(f.bytes);
        } catch (err) {
          throw new Error(`not a zipped shapefile (${(err as Error).message})`);
        }
        for (const fc of Array.isArray(r) ? r : [r])
          out.push(nonEmpty(Array.isArray(r) ? `${f.name}: ${fc.fileName ?? 'layer'}` : f.name, fc));
      } else if (['shp', 'dbf', 'prj', 'cpg'].includes(e)) {
        const k = stem(f.name);
        if (!byStem.has(k)) byStem.set(k, new Map());
        byStem.get(k)!.set(e, f.bytes);
      } else throw new Error(`not a vector format the map reads (${VECTOR_ACCEPT.replace(/,/g, ' ')})`);
    } catch (err) {
      const m = (err as Error).message;
      throw new Error(m.startsWith(`${f.name}:`) ? m : `${f.name}: ${m}`);
    }
  }
  for (const [k, parts] of byStem) {
    const shp = parts.get('shp');
    if (!shp) throw new Error(`${k}.${[...parts.keys()][0]}: choose its .shp too (a shapefile's parts go together)`);
    let fc: FeatureCollection;
    try {
      const prj = parts.get('prj');
      const cpg = parts.get('cpg');
      const dbf = parts.get('dbf');
      fc = combine([parseShp(shp, prj ? strFromU8(prj) : undefined), dbf ? parseDbf(dbf, cpg) : undefined]);
    } catch (err) {
      throw new Error(`${k}.shp: not a readable shapefile (${(err as Error).message})`);
    }
    out.push(nonEmpty(`${k}.shp`, fc));
  }
  return out;
}
