/**
 * scipy's RegularGridInterpolator(method='linear', bounds_error=False, fill_value=nan) on a 3-D cube, as
 * MintPy's prep_nisar evaluates NISAR's radar-grid metadata cubes (height, y, x) at each pixel's DEM height:
 * descending axes are flipped first, the cell is the last i with g[i] ≤ x clipped to [0, n − 2] (scipy's
 * find_interval_ascending), weights are (x − g[i]) / (g[i+1] − g[i]), and the 8 corners are summed in scipy's order
 * (itertools.product over the axes, lower corner first) so the float64 result is the same to the bit.
 * Points outside any axis range give NaN.
 */

export interface Cube {
  /** axis values of dimension 0, 1, 2 (any monotonic order) */
  axes: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  /** values, C order (axis 0 slowest) */
  values: ArrayLike<number>;
}

interface Axis {
  grid: Float64Array;
  flipped: boolean;
  n: number;
}

function axisOf(a: ArrayLike<number>): Axis {
  const n = a.length;
  const flipped = n > 1 && a[0] > a[n - 1];
  const grid = Float64Array.from({ length: n }, (_, i) => a[flipped ? n - 1 - i : i]);
  return { grid, flipped, n };
}

/** The number of grid values ≤ x (numpy.searchsorted side='right'). */
function searchRight(grid: Float64Array, x: number): number {
  let lo = 0;
  let hi = grid.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An interpolator over one cube: call it with (p0, p1, p2) in axis order. */
export function cubeInterpolator(cube: Cube): (p0: number, p1: number, p2: number) => number {
  const ax = cube.axes.map(axisOf) as [Axis, Axis, Axis];
  const [n0, n1, n2] = ax.map((a) => a.n);
  if (cube.values.length !== n0 * n1 * n2)
    throw new RangeError(`cube has ${cube.values.length} values, axes give ${n0} × ${n1} × ${n2}`);
  // values re-ordered so every axis ascends
  const v = new Float64Array(n0 * n1 * n2);
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0; c < n2; c++) {
        const sa = ax[0].flipped ? n0 - 1 - a : a;
        const sb = ax[1].flipped ? n1 - 1 - b : b;
        const sc = ax[2].flipped ? n2 - 1 - c : c;
        v[(a * n1 + b) * n2 + c] = cube.values[(sa * n1 + sb) * n2 + sc];
      }
  const locate = (a: Axis, x: number): [number, number] => {
    let i = searchRight(a.grid, x) - 1;
    if (i < 0) i = 0;
    if (i > a.n - 2) i = a.n - 2;
    return [i, (x - a.grid[i]) / (a.grid[i + 1] - a.grid[i])];
  };
  const out = (x: number, a: Axis): boolean => !(x >= a.grid[0] && x <= a.grid[a.n - 1]);
  return (p0, p1, p2) => {
    if (Number.isNaN(p0) || Number.isNaN(p1) || Number.isNaN(p2)) return NaN;
    if (out(p0, ax[0]) || out(p1, ax[1]) || out(p2, ax[2])) return NaN;
    const [i0, y0] = locate(ax[0], p0);
    const [i1, y1] = locate(ax[1], p1);
    const [i2, y2] = locate(ax[2], p2);
    const w0 = [1 - y0, y0];
    const w1 = [1 - y1, y1];
    const w2 = [1 - y2, y2];
    let value = 0;
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 2; c++) {
          const weight = 1 * w0[a] * w1[b] * w2[c];
          value = value + v[((i0 + a) * n1 + (i1 + b)) * n2 + (i2 + c)] * weight;
        }
    return value;
  };
}
