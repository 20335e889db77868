/**
 * Method 1: InSAR vs GNSS double differences (docs/nisar-secular-validation.md §3).
 *
 * Stations inside the velocity grid whose data overlap the record window are screened (completeness,
 * detrended scatter in mm with the scene-centre geometry, InSAR pixel not NaN, manual exclude list),
 * projected to LOS with the geometry at the station's pixel, fitted (§2 model, outlier removal),
 * re-referenced to the reference station, compared with the InSAR NaN-median over a (2r+1)² window
 * (clipped at the edges) and paired: every unordered pair i<j, haversine distance (R = 6378 km),
 * dd = (g_i − g_j) − (s_i − s_j).
 */
import type { GeoGrid } from '../formats/mintpyFiles';
import { latLonToRowColGeo as latLonToRowCol } from '../../common/geo/gridCoords';
import { InputError } from '../../common/pipeline/types';
import type { GnssSeries, GnssSiteInfo } from '../../common/nisar/gnssFormats';
import { azimuthFromHeading, haversineKm, losSigma, losUnitVector, enuToLos } from '../../common/nisar/geometry';
import {
  completeness,
  detrendedScatterMm,
  fitLosVelocity,
  gnssLosSeries,
  cropSeries,
  type LosVelocityFit,
} from './gnssSeries';
import type { GeometryMaps, VelocityField } from './velocityField';

export interface StationRecord {
  site: string;
  lat: number;
  lon: number;
  row: number;
  col: number;
  /** incidence and LOS azimuth at the station's pixel (degrees) */
  incidence: number;
  azimuth: number;
  /** 'series': fitted from a daily series in the window; 'velocity-list': MIDAS/CSV velocity, not window-matched */
  source: 'series' | 'velocity-list';
  file: string;
  epochs?: number;
  completeness?: number;
  scatterMm?: number;
  outliers?: number;
  /** GNSS LOS velocity and its standard error, mm/yr, before re-referencing */
  gnssLos: number;
  gnssLosStd: number;
  /** InSAR at the single pixel and the window NaN-median, mm/yr, before re-referencing */
  insarPixel: number;
  insarWindow: number;
  status: 'used' | 'rejected';
  reason?: string;
  /** re-referenced values (used stations) */
  gnss?: number;
  insar?: number;
  /** the series fit (series stations): window data, outliers, model and parameters, for the plot */
  fit?: LosVelocityFit;
}

export interface Method1Options {
  /** record window YYYYMMDD (default: the velocity file's START_DATE/END_DATE) */
  startDate?: string;
  endDate?: string;
  /** reference station, or 'auto' = the first valid station (alphabetical) */
  refStation?: string;
  /** when the named reference station is not usable, fall back to 'auto' with a note instead of failing */
  refStationFallback?: boolean;
  /** half window r of the (2r+1)² NaN-median (5) */
  windowRadius?: number;
  excludeStations?: string[];
  /** completeness fraction (0.9) and scatter limit in mm (10) */
  minCompleteness?: number;
  maxScatterMm?: number;
  zThreshold?: number;
  maxOutlierPasses?: number;
}

export interface PairSet {
  i: Int32Array;
  j: Int32Array;
  distanceKm: Float64Array;
  /** the signed residual (dd for Method 1, Δv for Method 2), mm/yr */
  value: Float64Array;
  /** 1-σ of the residual where known (Method 1: √(σg_i² + σg_j²)), else NaN */
  sigma: Float64Array;
}

export interface Method1Result {
  stations: StationRecord[];
  refStation: string;
  /** InSAR value subtracted from the whole field (reference station's single pixel), mm/yr */
  insarRefValue: number;
  pairs: PairSet;
  startDate: string;
  endDate: string;
  notes: string[];
}

/** NaN-median over a (2r+1)² window centred on (row, col), clipped at the grid edges. */
export function windowNanMedian(
  data: ArrayLike<number>,
  length: number,
  width: number,
  row: number,
  col: number,
  r = 5,
): number {
  const vals: number[] = [];
  for (let y = Math.max(0, row - r); y <= Math.min(length - 1, row + r); y++)
    for (let x = Math.max(0, col - r); x <= Math.min(width - 1, col + r); x++) {
      const v = data[y * width + x];
      if (!Number.isNaN(v)) vals.push(v);
    }
  if (!vals.length) return NaN;
  vals.sort((a, b) => a - b);
  const m = vals.length >> 1;
  return vals.length % 2 ? vals[m] : (vals[m - 1] + vals[m]) / 2;
}

/** All unordered pairs i<j of stations: haversine distance (R = 6378 km) and the double difference. */
export function doubleDifferences(
  st: { lat: number; lon: number; gnss: number; insar: number; sigma?: number }[],
): PairSet {
  const n = st.length;
  const m = (n * (n - 1)) / 2;
  const out: PairSet = {
    i: new Int32Array(m),
    j: new Int32Array(m),
    distanceKm: new Float64Array(m),
    value: new Float64Array(m),
    sigma: new Float64Array(m),
  };
  let k = 0;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++, k++) {
      out.i[k] = a;
      out.j[k] = b;
      out.distanceKm[k] = haversineKm(st[a].lat, st[a].lon, st[b].lat, st[b].lon);
      out.value[k] = st[a].gnss - st[b].gnss - (st[a].insar - st[b].insar);
      out.sigma[k] = Math.hypot(st[a].sigma ?? NaN, st[b].sigma ?? NaN);
    }
  return out;
}

function geomAt(geom: GeometryMaps | null, field: VelocityField, row: number, col: number): [number, number] {
  if (geom) return [geom.incidence[row * geom.width + col], geom.azimuth[row * geom.width + col]];
  const inc = Number(field.attrs.INCIDENCE_ANGLE);
  const head = Number(field.attrs.HEADING);
  if (!Number.isFinite(inc) || !Number.isFinite(head))
    throw new InputError(
      `${field.file}: no geometry file and no INCIDENCE_ANGLE/HEADING attributes; give geometryGeo.h5`,
    );
  const look = field.attrs.ANTENNA_SIDE === '1' ? 'left' : 'right';
  return [inc, azimuthFromHeading(head, look)];
}

/** scene-centre incidence/azimuth (centre pixel, else the NaN-mean of the maps) for the screening LOS */
function sceneCentreGeometry(geom: GeometryMaps | null, field: VelocityField): [number, number] {
  const [inc, az] = geomAt(geom, field, Math.floor(field.length / 2), Math.floor(field.width / 2));
  if ((Number.isFinite(inc) && Number.isFinite(az)) || !geom) return [inc, az];
  const mean = (a: Float32Array) => {
    let s = 0;
    let c = 0;
    for (const v of a)
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    return s / c;
  };
  return [mean(geom.incidence), mean(geom.azimuth)];
}

function insideGrid(g: GeoGrid, lat: number, lon: number): [number, number] | null {
  const [row, col] = latLonToRowCol(g, lat, lon);
  return row >= 0 && row < g.length && col >= 0 && col < g.width ? [row, col] : null;
}

/**
 * Method 1 on a prepared velocity field (mm/yr, NaN masked). `series` are daily position series,
 * `sites` station lists (DataHoldings for coordinates/windows, MIDAS/CSV for velocities).
 */
export function runMethod1(
  field: VelocityField,
  geom: GeometryMaps | null,
  gnss: { series: GnssSeries[]; sites: GnssSiteInfo[] },
  opts: Method1Options = {},
): Method1Result {
  const start = opts.startDate ?? field.startDate;
  const end = opts.endDate ?? field.endDate;
  if (!/^\d{8}$/.test(start) || !/^\d{8}$/.test(end))
    throw new InputError(`${field.file}: no record window (START_DATE/END_DATE); give the start and end dates`);
  const r = opts.windowRadius ?? 5;
  const exclude = new Set((opts.excludeStations ?? []).map((s) => s.toUpperCase()));
  const notes: string[] = [];
  const [incC, azC] = sceneCentreGeometry(geom, field);
  const uCentre = losUnitVector(incC, azC);
  const g = field.grid;
  const infoBySite = new Map<string, GnssSiteInfo>();
  for (const s of gnss.sites)
    if (!infoBySite.has(s.site) || s.velocity) infoBySite.set(s.site, { ...infoBySite.get(s.site), ...s });
  const seriesBySite = new Map(gnss.series.map((s) => [s.site, s]));
  const names = [...new Set([...seriesBySite.keys(), ...infoBySite.keys()])].sort();
  const stations: StationRecord[] = [];
  for (const site of names) {
    const ser = seriesBySite.get(site);
    const info = infoBySite.get(site);
    const lat = ser && Number.isFinite(ser.lat) ? ser.lat : (info?.lat ?? NaN);
    const lon = ser && Number.isFinite(ser.lon) ? ser.lon : (info?.lon ?? NaN);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) {
      notes.push(`${site}: no coordinates (series without a station list entry), skipped`);
      continue;
    }
    const rc = insideGrid(g, lat, lon);
    if (!rc) continue; // outside the S N W E box: not a candidate
    const sStart = ser ? ser.dates[0] : info?.start;
    const sEnd = ser ? ser.dates[ser.dates.length - 1] : info?.end;
    if (sStart && sEnd && (sEnd < start || sStart > end)) continue; // no overlap with the window
    const [row, col] = rc;
    const [inc, az] = geomAt(geom, field, row, col);
    const u = losUnitVector(inc, az);
    const rec: StationRecord = {
      site,
      lat,
      lon,
      row,
      col,
      incidence: inc,
      azimuth: az,
      source: ser ? 'series' : 'velocity-list',
      file: ser?.file ?? info?.file ?? '',
      gnssLos: NaN,
      gnssLosStd: NaN,
      insarPixel: field.data[row * field.width + col],
      insarWindow: windowNanMedian(field.data, field.length, field.width, row, col, r),
      status: 'rejected',
    };
    stations.push(rec);
    const reject = (why: string) => {
      rec.status = 'rejected';
      rec.reason = why;
    };
    if (ser) {
      const c = completeness(ser.dates, start, end);
      rec.epochs = c.epochs;
      rec.completeness = c.ratio;
      rec.scatterMm = detrendedScatterMm(cropSeries(gnssLosSeries(ser, uCentre), start, end));
      const fit = fitLosVelocity(gnssLosSeries(ser, u), {
        start,
        end,
        zThreshold: opts.zThreshold,
        maxOutlierPasses: opts.maxOutlierPasses,
      });
      rec.gnssLos = fit.velocity;
      rec.gnssLosStd = fit.velocityStd;
      rec.outliers = fit.outliers.length;
      rec.fit = fit;
      if (c.ratio < (opts.minCompleteness ?? 0.9)) {
        reject(
          `completeness ${(100 * c.ratio).toFixed(1)}% < ${(100 * (opts.minCompleteness ?? 0.9)).toFixed(0)}% (${c.epochs} epochs in ${c.days} days)`,
        );
        continue;
      }
      if (!(rec.scatterMm <= (opts.maxScatterMm ?? 10))) {
        reject(`detrended LOS scatter ${rec.scatterMm.toFixed(1)} mm > ${opts.maxScatterMm ?? 10} mm`);
        continue;
      }
      if (!Number.isFinite(fit.velocity)) {
        reject(`no LOS velocity: ${fit.reason}`);
        continue;
      }
    } else if (info?.velocity) {
      const v = info.velocity;
      rec.gnssLos = 1000 * enuToLos(u, v.ve, v.vn, v.vu);
      rec.gnssLosStd = 1000 * losSigma(u, v.se, v.sn, v.su);
    } else {
      reject('no position series or velocity for this station');
      continue;
    }
    if (Number.isNaN(rec.insarPixel)) {
      reject('InSAR pixel is NaN (masked)');
      continue;
    }
    if (exclude.has(site.toUpperCase())) {
      reject('excluded by the user');
      continue;
    }
    rec.status = 'used';
  }
  const used = stations.filter((s) => s.status === 'used');
  if (used.some((s) => s.source === 'velocity-list'))
    notes.push('velocities from a list (MIDAS/CSV) are not window-matched to the InSAR record');
  let refStation = opts.refStation && opts.refStation.toLowerCase() !== 'auto' ? opts.refStation : '';
  let insarRefValue = NaN;
  if (used.length) {
    if (!refStation) refStation = used[0].site;
    let ref = used.find((s) => s.site.toUpperCase() === refStation.toUpperCase());
    if (!ref && opts.refStationFallback) {
      notes.push(
        `reference station ${refStation} is not usable here; the first valid station ${used[0].site} is the reference`,
      );
      ref = used[0];
    }
    if (!ref) {
      const why = stations.find((s) => s.site.toUpperCase() === refStation.toUpperCase());
      throw new InputError(
        `reference station ${refStation}: ${why ? `rejected (${why.reason})` : 'not among the stations inside the velocity grid'}; valid: ${used.map((s) => s.site).join(', ')}`,
      );
    }
    refStation = ref.site;
    insarRefValue = ref.insarPixel;
    for (const s of used) {
      s.gnss = s.gnssLos - ref.gnssLos;
      s.insar = s.insarWindow - insarRefValue;
    }
  } else notes.push('no usable GNSS station inside the velocity grid');
  const pairs = doubleDifferences(
    used.map((s) => ({ lat: s.lat, lon: s.lon, gnss: s.gnss!, insar: s.insar!, sigma: s.gnssLosStd })),
  );
  // station indices in `pairs` refer to the used stations; map them to the full table
  const idx = stations.map((s, k) => (s.status === 'used' ? k : -1)).filter((k) => k >= 0);
  for (let k = 0; k < pairs.i.length; k++) {
    pairs.i[k] = idx[pairs.i[k]];
    pairs.j[k] = idx[pairs.j[k]];
  }
  return { stations, refStation, insarRefValue, pairs, startDate: start, endDate: end, notes };
}
