/** Display units: velocities in cm/yr, displacements in cm (files store m/year and m). */
export function displayUnits(units: string): { label: string; scale: number } {
  if (units === 'm/year' || units === 'm/yr') return { label: 'cm/yr', scale: 100 };
  if (units === 'm') return { label: 'cm', scale: 100 };
  return { label: units === '1' ? '' : units, scale: 1 };
}
