/**
 * Display units: src-core's displayUnit (MintPy's rule: metres in centimetres for time-series and velocity
 * files only; a DEM in m, angles in degrees), with the label the UI prints ('cm/yr' for 'cm/year').
 */
import { displayUnit } from '../src-core/common/export/units';

export function displayUnits(units: string, fileType: string): { label: string; scale: number } {
  const d = displayUnit(units, fileType);
  return { label: d.unit === '1' ? '' : d.unit.replace(/\/year$/, '/yr'), scale: d.scale };
}
