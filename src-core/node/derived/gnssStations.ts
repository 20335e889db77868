/**
 * The user's GNSS stations for the map and the pixel chart: the files the NISAR module reads (UNR .tenv3,
 * DataHoldings / MIDAS lists, CSV — loadGnssInputs), each station placed on the time series' grid, its
 * series projected to the LOS at its pixel (incidence/azimuth from geometryGeo.h5, else the file's
 * INCIDENCE_ANGLE/HEADING) and made relative to its epoch nearest the time series' reference date.
 */
import { existsSync } from 'node:fs';
import { H5Reader } from '../formats/h5';
import { gridOf } from '../formats/mintpyFiles';
import { InputError } from '../../common/pipeline/types';
import { latLonToRowColGeo } from '../../common/geo/gridCoords';
import { azimuthFromHeading, losUnitVector } from '../../common/nisar/geometry';
import { relativeToEpoch, stationLos } from '../../common/derived/gnssLos';
import { loadGnssInputs } from '../nisar/gnssFiles';
import type { GnssStation, GnssStations } from '../../common/derived/gnssLos';

export type { GnssStation, GnssStations } from '../../common/derived/gnssLos';

export async function readGnssStations(
  paths: string[],
  tsFile: string,
  geometryFile: string | null,
): Promise<GnssStations> {
  const inputs = loadGnssInputs(paths);
  const h = await H5Reader.open(tsFile);
  let attrs: Record<string, string>;
  let dates: string[];
  try {
    attrs = h.attrs;
    dates = h.has('date') ? h.readStrings('date') : [];
  } finally {
    h.close();
  }
  const g = gridOf(attrs, tsFile);
  if (!g) throw new InputError(`${tsFile}: not geocoded (no X_FIRST/Y_FIRST): stations cannot be placed`);
  const refDate = attrs.REF_DATE ?? dates[0] ?? '';
  const geom = geometryFile && existsSync(geometryFile) ? await H5Reader.open(geometryFile) : null;
  const notes: string[] = [];
  try {
    if (geom && !(geom.has('incidenceAngle') && geom.has('azimuthAngle'))) {
      notes.push(`${geometryFile}: no incidenceAngle/azimuthAngle: the file's INCIDENCE_ANGLE and HEADING are used`);
    }
    const useGeom = geom && geom.has('incidenceAngle') && geom.has('azimuthAngle') ? geom : null;
    const angleAt = (row: number, col: number): [number, number] => {
      if (useGeom)
        return [
          Number(useGeom.readRows('incidenceAngle', row, row + 1)[col]),
          Number(useGeom.readRows('azimuthAngle', row, row + 1)[col]),
        ];
      const inc = Number(attrs.INCIDENCE_ANGLE);
      const head = Number(attrs.HEADING);
      return [inc, azimuthFromHeading(head, attrs.ANTENNA_SIDE === '1' ? 'left' : 'right')];
    };
    const place = (lat: number, lon: number): [number, number] | null => {
      const [r, c] = latLonToRowColGeo(g, lat, lon);
      return r >= 0 && r < g.length && c >= 0 && c < g.width ? [r, c] : null;
    };
    const stations: GnssStation[] = [];
    const seen = new Set<string>();
    for (const s of inputs.series) {
      seen.add(s.site.toUpperCase());
      const rc = Number.isFinite(s.lat) && Number.isFinite(s.lon) ? place(s.lat, s.lon) : null;
      const base = { site: s.site, lat: s.lat, lon: s.lon, file: s.file };
      if (!rc) {
        stations.push({
          ...base,
          row: null,
          col: null,
          incidence: NaN,
          azimuth: NaN,
          dates: [],
          los: new Float64Array(0),
          sigma: new Float64Array(0),
          epoch: null,
        });
        continue;
      }
      const [inc, az] = angleAt(rc[0], rc[1]);
      if (!Number.isFinite(inc) || !Number.isFinite(az)) {
        notes.push(`${s.site}: no incidence/azimuth at its pixel (row ${rc[0]}, col ${rc[1]}): not projected`);
        stations.push({
          ...base,
          row: rc[0],
          col: rc[1],
          incidence: inc,
          azimuth: az,
          dates: [],
          los: new Float64Array(0),
          sigma: new Float64Array(0),
          epoch: null,
        });
        continue;
      }
      const l = stationLos(s, losUnitVector(inc, az));
      const rel = relativeToEpoch(l.dates, l.los, refDate);
      if (!rel.epoch)
        notes.push(`${s.site}: no epoch within 15 days of ${refDate}: its series is relative to its own first epoch`);
      stations.push({
        ...base,
        row: rc[0],
        col: rc[1],
        incidence: inc,
        azimuth: az,
        dates: l.dates,
        los: rel.values,
        sigma: l.sigma,
        epoch: rel.epoch,
      });
    }
    // stations of the lists without a series: on the map only
    for (const s of inputs.sites) {
      if (seen.has(s.site.toUpperCase()) || !Number.isFinite(s.lat) || !Number.isFinite(s.lon)) continue;
      seen.add(s.site.toUpperCase());
      const rc = place(s.lat, s.lon);
      stations.push({
        site: s.site,
        lat: s.lat,
        lon: s.lon,
        row: rc?.[0] ?? null,
        col: rc?.[1] ?? null,
        incidence: NaN,
        azimuth: NaN,
        dates: [],
        los: new Float64Array(0),
        sigma: new Float64Array(0),
        epoch: null,
        file: s.file,
      });
    }
    stations.sort((a, b) => a.site.localeCompare(b.site));
    return { stations, refDate, files: inputs.files, ignored: inputs.ignored, notes };
  } finally {
    geom?.close();
  }
}
