#!/usr/bin/env node
// Draws the app icon (interferometric fringes in a rounded square) as PNGs: build/icons/<size>x<size>.png
// and build/icons/icon.png (512). Run: node build/make-icons.mjs
import { encode } from 'fast-png';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), 'icons');
mkdirSync(out, { recursive: true });
// jet-like hue ramp for the fringes
function jet(t) {
  const c = (x) => Math.max(0, Math.min(1, 1.5 - Math.abs(4 * t - x)));
  return [c(3), c(2), c(1)].map((v) => Math.round(255 * v));
}
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  const d = new Uint8Array(size * size * 4);
  const r0 = size * 0.18;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = 4 * (y * size + x);
      // rounded-square mask
      const qx = Math.max(Math.abs(x + 0.5 - size / 2) - (size / 2 - r0), 0);
      const qy = Math.max(Math.abs(y + 0.5 - size / 2) - (size / 2 - r0), 0);
      const inside = Math.hypot(qx, qy) <= r0 - size * 0.02;
      if (!inside) continue;
      // a subsidence bowl: concentric fringes around an off-centre point, wrapped phase → colour
      const rr = Math.hypot(x - size * 0.56, y - size * 0.46) / size;
      const phase = (((Math.exp(-rr * rr * 9) * 3.2) % 1) + 1) % 1;
      const [r, g, b] = jet(phase);
      d[i] = r;
      d[i + 1] = g;
      d[i + 2] = b;
      d[i + 3] = 255;
    }
  const png = encode({ width: size, height: size, data: d, channels: 4, depth: 8 });
  writeFileSync(join(out, `${size}x${size}.png`), png);
  if (size === 512) writeFileSync(join(out, 'icon.png'), png);
}
console.log(`icons → ${out}`);
