/** PNG icons for KML placemarks (drawn here; MintPy ships shaded_dot.png / star.png). */
import { pointInPolygon } from './csv';
import { Raster } from '../../common/export/raster';

/** Round dot icon (white, shaded rim) to be tinted by IconStyle colour. */
export function dotIcon(size = 32): Uint8Array {
  const img = new Raster(size, size);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c) / (size / 2);
      if (d > 1) continue;
      const shade = Math.round(255 - (90 * Math.max(0, d - 0.6)) / 0.4);
      img.data.set([shade, shade, shade, d > 0.92 ? Math.round((255 * (1 - d)) / 0.08) : 255], 4 * (y * size + x));
    }
  return img.toPng();
}

/** Five-pointed star icon (white with a black outline) for the reference point. */
export function starIcon(size = 48): Uint8Array {
  const img = new Raster(size, size);
  const c = size / 2;
  const outer = size * 0.48;
  const inner = outer * 0.42;
  const poly: [number, number][] = [];
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    const r = k % 2 ? inner : outer;
    poly.push([c + r * Math.sin(a), c + r * Math.cos(a)]);
  }
  const shrunk = poly.map(([y, x]) => [c + (y - c) * 0.8, c + (x - c) * 0.8] as [number, number]);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if (!pointInPolygon(y + 0.5, x + 0.5, poly)) continue;
      const v = pointInPolygon(y + 0.5, x + 0.5, shrunk) ? 255 : 0;
      img.data.set([v, v, v, 255], 4 * (y * size + x));
    }
  return img.toPng();
}
