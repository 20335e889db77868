/**
 * Units by MintPy 1.5.1's rules, pure (the exporters, the CLI, the app's main side and the renderer all call
 * these):
 * - `datasetUnit`: the unit of a dataset as readfile.read_attribute gives it (DSET_UNIT_DICT by dataset name,
 *   `…Std` as its base; ifgramStack datasets radian unless listed; else the file's UNIT, else by FILE_TYPE);
 * - `displayUnit`: what view.py shows (check_disp_unit_and_wrap + scale_data2disp_unit): metres in centimetres
 *   (m → cm, m/year → cm/year) for time-series and velocity files only; everything else as stored (a DEM in
 *   m, angles in degrees, coherence 1).
 */

/** mintpy.objects.stack DSET_UNIT_DICT (1.5.1). */
export const DSET_UNIT: Readonly<Record<string, string>> = {
  unwrapPhase: 'radian',
  coherence: '1',
  connectComponent: '1',
  wrapPhase: 'radian',
  magnitude: '1',
  azimuthOffset: 'pixel',
  azimuthOffsetStd: 'pixel',
  rangeOffset: 'pixel',
  rangeOffsetStd: 'pixel',
  offsetSNR: '1',
  height: 'm',
  latitude: 'degree',
  longitude: 'degree',
  rangeCoord: '1',
  azimuthCoord: '1',
  incidenceAngle: 'degree',
  azimuthAngle: 'degree',
  slantRangeDistance: 'm',
  shadowMask: '1',
  waterMask: '1',
  commonMask: '1',
  bperp: 'm',
  timeseries: 'm',
  raw: 'm',
  troposphericDelay: 'm',
  topographicResidual: 'm',
  ramp: 'm',
  displacement: 'm',
  temporalCoherence: '1',
  velocity: 'm/year',
  acceleration: 'm/year^2',
  mask: '1',
  giantTimeseries: 'mm',
  recons: 'mm',
  rawts: 'mm',
  sar_aps: 'mm',
  igram_aps: 'mm',
  figram: 'mm',
  igram: 'mm',
  cmask: '1',
  ifgcnt: '1',
  unw: 'radian',
  int: 'radian',
  flat: 'radian',
  cor: '1',
  dem: 'm',
  hgt: 'm',
  hgt_sim: 'm',
  intensity: '1',
};

/** readfile.read_attribute(file, datasetName)['UNIT'] for a file of FILE_TYPE `fileType` whose UNIT is `fileUnit`. */
export function datasetUnit(fileType: string, dataset: string | undefined, fileUnit: string | undefined): string {
  const ds = dataset?.replace('Std', '');
  const ftype = fileType.replace('.', '');
  if (ftype === 'ifgramStack') return (ds && DSET_UNIT[ds]) || 'radian';
  if (ds && Object.hasOwn(DSET_UNIT, ds)) return DSET_UNIT[ds];
  return fileUnit ?? DSET_UNIT[ftype] ?? '1';
}

/** The FILE_TYPEs whose metres MintPy shows in centimetres. */
const CM_FILE_TYPES = ['timeseries', 'giantTimeseries', 'velocity', 'HDFEOS'];

export function displayUnit(unit: string, fileType: string): { unit: string; scale: number } {
  const m = /^m(\/.*)?$/.exec(unit.trim());
  if (m && CM_FILE_TYPES.includes(fileType)) return { unit: `cm${m[1] ?? ''}`, scale: 100 };
  return { unit, scale: 1 };
}
