/**
 * Clip GeoJSON geometry to a lon/lat rectangle (the basemap around a project): polygon rings by
 * Sutherland–Hodgman against the four edges, lines cut into the pieces inside. Pure.
 */
export type Box = [west: number, south: number, east: number, north: number];
type Pt = number[];

/** One polygon ring clipped to the box (closed; empty when nothing is inside). */
export function clipRing(ring: Pt[], b: Box): Pt[] {
  const edges: [(p: Pt) => boolean, (a: Pt, c: Pt) => Pt][] = [
    [(p) => p[0] >= b[0], (a, c) => cut(a, c, 0, b[0])],
    [(p) => p[0] <= b[2], (a, c) => cut(a, c, 0, b[2])],
    [(p) => p[1] >= b[1], (a, c) => cut(a, c, 1, b[1])],
    [(p) => p[1] <= b[3], (a, c) => cut(a, c, 1, b[3])],
  ];
  let out = ring.slice(0, ring.length > 1 && same(ring[0], ring[ring.length - 1]) ? -1 : undefined);
  for (const [inside, at] of edges) {
    const src = out;
    out = [];
    for (let i = 0; i < src.length; i++) {
      const cur = src[i];
      const prev = src[(i + src.length - 1) % src.length];
      if (inside(cur)) {
        if (!inside(prev)) out.push(at(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(at(prev, cur));
    }
    if (!out.length) return [];
  }
  return out.length >= 3 ? [...out, out[0]] : [];
}

/** The pieces of a line inside the box. */
export function clipLine(line: Pt[], b: Box): Pt[][] {
  const pieces: Pt[][] = [];
  let cur: Pt[] = [];
  for (let i = 1; i < line.length; i++) {
    const seg = clipSegment(line[i - 1], line[i], b);
    if (!seg) {
      if (cur.length > 1) pieces.push(cur);
      cur = [];
      continue;
    }
    if (cur.length && same(cur[cur.length - 1], seg[0])) cur.push(seg[1]);
    else {
      if (cur.length > 1) pieces.push(cur);
      cur = [seg[0], seg[1]];
    }
  }
  if (cur.length > 1) pieces.push(cur);
  return pieces;
}

/** A GeoJSON geometry clipped to the box, or null when nothing of it is inside. */
export function clipGeometry(g: GeoJSON.Geometry, b: Box): GeoJSON.Geometry | null {
  if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const out = polys
      .map((rings) => {
        const outer = clipRing(rings[0], b);
        return outer.length
          ? [
              outer,
              ...rings
                .slice(1)
                .map((r) => clipRing(r, b))
                .filter((r) => r.length),
            ]
          : null;
      })
      .filter((p): p is Pt[][] => p !== null);
    return out.length ? { type: 'MultiPolygon', coordinates: out } : null;
  }
  if (g.type === 'LineString' || g.type === 'MultiLineString') {
    const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
    const out = lines.flatMap((l) => clipLine(l, b));
    return out.length ? { type: 'MultiLineString', coordinates: out } : null;
  }
  return g;
}

function same(a: Pt, c: Pt): boolean {
  return a[0] === c[0] && a[1] === c[1];
}

function cut(a: Pt, c: Pt, axis: 0 | 1, v: number): Pt {
  const t = (v - a[axis]) / (c[axis] - a[axis]);
  const p = [a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1])];
  p[axis] = v;
  return p;
}

/** Liang–Barsky: the part of segment a→c inside the box, or null. */
function clipSegment(a: Pt, c: Pt, b: Box): [Pt, Pt] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = c[0] - a[0];
  const dy = c[1] - a[1];
  const checks: [number, number][] = [
    [-dx, a[0] - b[0]],
    [dx, b[2] - a[0]],
    [-dy, a[1] - b[1]],
    [dy, b[3] - a[1]],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
  }
  const at = (t: number): Pt => (t === 0 ? a : t === 1 ? c : [a[0] + t * dx, a[1] + t * dy]);
  return [at(t0), at(t1)];
}
