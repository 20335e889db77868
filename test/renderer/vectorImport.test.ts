// @vitest-environment happy-dom
/**
 * The user's vector files on the map (map/vectorImport.ts, stores/overlays.ts): KML, KMZ, GPX, a zipped
 * shapefile and a shapefile's parts chosen together (files written here byte by byte, with a .prj in UTM that
 * shpjs reprojects), GeoJSON; one-line errors naming the file.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { strToU8, zipSync } from 'fflate';
import proj4 from 'proj4';
import { readVectorFiles } from '../../src-renderer/map/vectorImport';
import { useOverlaysStore } from '../../src-renderer/stores/overlays';
import { useUiStore } from '../../src-renderer/stores/ui';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));
beforeEach(() => setActivePinia(createPinia()));

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Corcoran levee</name><LineString><coordinates>-119.56,36.10,0 -119.50,36.12,0</coordinates></LineString></Placemark>
<Placemark><name>Well 7</name><Point><coordinates>-119.6,36.05,0</coordinates></Point></Placemark>
</Document></kml>`;
const GPX = `<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="36.3" lon="-119.3"><name>Visalia</name></wpt></gpx>`;
const UTM11 =
  'PROJCS["WGS_1984_UTM_Zone_11N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-117.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

/** A point shapefile (.shp) and its attribute table (.dbf, one text field NAME) written by hand. */
function pointShapefile(pts: { x: number; y: number; name: string }[]): { shp: Uint8Array; dbf: Uint8Array } {
  const shp = new DataView(new ArrayBuffer(100 + pts.length * 28));
  shp.setInt32(0, 9994);
  shp.setInt32(24, shp.byteLength / 2);
  shp.setInt32(28, 1000, true);
  shp.setInt32(32, 1, true);
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) =>
    shp.setFloat64(36 + 8 * i, v, true),
  );
  pts.forEach((p, i) => {
    const o = 100 + i * 28;
    shp.setInt32(o, i + 1);
    shp.setInt32(o + 4, 10);
    shp.setInt32(o + 8, 1, true);
    shp.setFloat64(o + 12, p.x, true);
    shp.setFloat64(o + 20, p.y, true);
  });
  const W = 20;
  const dbf = new DataView(new ArrayBuffer(32 + 32 + 1 + pts.length * (W + 1) + 1));
  dbf.setUint8(0, 3);
  dbf.setUint32(4, pts.length, true);
  dbf.setUint16(8, 65, true);
  dbf.setUint16(10, W + 1, true);
  'NAME'.split('').forEach((c, i) => dbf.setUint8(32 + i, c.charCodeAt(0)));
  dbf.setUint8(32 + 11, 'C'.charCodeAt(0));
  dbf.setUint8(32 + 16, W);
  dbf.setUint8(64, 0x0d);
  pts.forEach((p, i) => {
    const o = 65 + i * (W + 1);
    dbf.setUint8(o, 0x20);
    p.name
      .padEnd(W)
      .split('')
      .forEach((c, k) => dbf.setUint8(o + 1 + k, c.charCodeAt(0)));
  });
  dbf.setUint8(dbf.byteLength - 1, 0x1a);
  return { shp: new Uint8Array(shp.buffer), dbf: new Uint8Array(dbf.buffer) };
}

describe('vector files', () => {
  test('KML and KMZ: placemarks with their names; GPX waypoints', async () => {
    const [k] = await readVectorFiles([{ name: 'levee.kml', bytes: strToU8(KML) }]);
    expect(k.name).toBe('levee.kml');
    expect(k.data.features.map((f) => [f.properties?.name, f.geometry.type])).toEqual([
      ['Corcoran levee', 'LineString'],
      ['Well 7', 'Point'],
    ]);
    expect(k.data.features[1].geometry).toEqual({ type: 'Point', coordinates: [-119.6, 36.05, 0] });
    const kmz = zipSync({ 'doc.kml': strToU8(KML), 'files/icon.png': new Uint8Array([1, 2]) });
    const [z] = await readVectorFiles([{ name: 'levee.kmz', bytes: kmz }]);
    expect(z.data).toEqual(k.data);
    const [g] = await readVectorFiles([{ name: 'towns.gpx', bytes: strToU8(GPX) }]);
    expect(g.data.features[0].geometry).toEqual({ type: 'Point', coordinates: [-119.3, 36.3] });
  });

  test('a shapefile in UTM: zipped, or its parts chosen together, reprojected to lon/lat with its .prj', async () => {
    const lonlat: [number, number][] = [
      [-119.645, 36.098],
      [-119.292, 36.33],
    ];
    const utm = lonlat.map((p) => proj4('EPSG:4326', UTM11, p));
    const { shp, dbf } = pointShapefile([
      { x: utm[0][0], y: utm[0][1], name: 'CRCN' },
      { x: utm[1][0], y: utm[1][1], name: 'VISL' },
    ]);
    const parts = [
      { name: 'gnss.shp', bytes: shp },
      { name: 'gnss.dbf', bytes: dbf },
      { name: 'gnss.prj', bytes: strToU8(UTM11) },
    ];
    const [a] = await readVectorFiles(parts);
    expect(a.name).toBe('gnss.shp');
    expect(a.data.features.map((f) => f.properties?.NAME)).toEqual(['CRCN', 'VISL']);
    a.data.features.forEach((f, i) => {
      const [x, y] = (f.geometry as GeoJSON.Point).coordinates;
      expect(Math.abs(x - lonlat[i][0])).toBeLessThan(1e-7);
      expect(Math.abs(y - lonlat[i][1])).toBeLessThan(1e-7);
    });
    const zip = zipSync({ 'gnss.shp': shp, 'gnss.dbf': dbf, 'gnss.prj': strToU8(UTM11) });
    const [b] = await readVectorFiles([{ name: 'gnss.zip', bytes: zip }]);
    expect(b.data.features).toEqual(a.data.features);
  });

  test('problems are one line naming the file; the store toasts them and adds nothing', async () => {
    await expect(readVectorFiles([{ name: 'x.kml', bytes: strToU8('<kml><Document') }])).rejects.toThrow(
      /^x\.kml: not a readable KML/,
    );
    await expect(readVectorFiles([{ name: 'x.kmz', bytes: strToU8('PK?') }])).rejects.toThrow(
      'x.kmz: not a KMZ (not a zip archive)',
    );
    await expect(readVectorFiles([{ name: 'roads.dbf', bytes: new Uint8Array(4) }])).rejects.toThrow(
      'roads.dbf: choose its .shp too',
    );
    await expect(readVectorFiles([{ name: 'a.tif', bytes: new Uint8Array(4) }])).rejects.toThrow(
      /^a\.tif: not a vector format the map reads/,
    );
    await expect(
      readVectorFiles([{ name: 'e.geojson', bytes: strToU8('{"type":"FeatureCollection","features":[]}') }]),
    ).rejects.toThrow('e.geojson: no features with a geometry');
    const o = useOverlaysStore();
    expect(await o.addFiles([{ name: 'x.kmz', bytes: strToU8('PK?') }])).toEqual([]);
    expect(o.list).toHaveLength(0);
    expect(useUiStore().toasts.at(-1)?.text).toBe('x.kmz: not a KMZ (not a zip archive)');
    const added = await o.addFiles([{ name: 'levee.kml', bytes: strToU8(KML) }]);
    expect(added.map((x) => x.name)).toEqual(['levee.kml']);
    expect(o.list[0].data.features).toHaveLength(2);
  });
});
