/** Clipping the basemap to the area around a project: rings and lines against a rectangle. */
import { describe, expect, test } from 'vitest';
import { clipGeometry, clipLine, clipRing, type Box } from '../../src-core/common/geo/clipRect';

const box: Box = [0, 0, 10, 10];

describe('clip to a rectangle', () => {
  test('a square half outside keeps its inside half, closed', () => {
    const r = clipRing(
      [
        [5, 2],
        [15, 2],
        [15, 8],
        [5, 8],
        [5, 2],
      ],
      box,
    );
    expect(r).toEqual([
      [5, 2],
      [10, 2],
      [10, 8],
      [5, 8],
      [5, 2],
    ]);
  });
  test('a ring around the box becomes the box; one outside disappears', () => {
    const big = clipRing(
      [
        [-5, -5],
        [20, -5],
        [20, 20],
        [-5, 20],
        [-5, -5],
      ],
      box,
    );
    const xs = big.map((p) => p[0]);
    const ys = big.map((p) => p[1]);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([0, 10, 0, 10]);
    expect(
      clipRing(
        [
          [20, 20],
          [30, 20],
          [30, 30],
          [20, 20],
        ],
        box,
      ),
    ).toEqual([]);
  });
  test('a line crossing the box twice gives two pieces, cut at the edges', () => {
    expect(
      clipLine(
        [
          [-5, 5],
          [5, 5],
          [15, 5],
          [15, 7],
          [5, 7],
          [5, 20],
        ],
        box,
      ),
    ).toEqual([
      [
        [0, 5],
        [5, 5],
        [10, 5],
      ],
      [
        [10, 7],
        [5, 7],
        [5, 10],
      ],
    ]);
  });
  test('geometries: polygons become MultiPolygons, lines MultiLineStrings, nothing inside is null', () => {
    expect(
      clipGeometry(
        {
          type: 'LineString',
          coordinates: [
            [20, 20],
            [30, 30],
          ],
        },
        box,
      ),
    ).toBeNull();
    const g = clipGeometry(
      {
        type: 'Polygon',
        coordinates: [
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 1],
          ],
        ],
      },
      box,
    );
    expect(g).toEqual({
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 1],
          ],
        ],
      ],
    });
  });
});
