/**
 * A minimal RGBA raster for the PNGs we write (KMZ overlays, colour bars): rectangles, alpha blending,
 * text from the built-in bitmap font (./font.ts), PNG encoding with fast-png.
 */
import { encode } from 'fast-png';
import { FONT_ASCENT, FONT_HEIGHT, GLYPHS } from './font';

export class Raster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    data?: Uint8Array,
  ) {
    this.data = data ?? new Uint8Array(width * height * 4);
    if (this.data.length !== width * height * 4) throw new Error('Raster: data size does not match width × height × 4');
  }

  /** Fill a rectangle (clipped) with an opaque or translucent colour; `blend` composites over what is there. */
  fillRect(x: number, y: number, w: number, h: number, rgba: [number, number, number, number], blend = false): void {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(this.width, Math.floor(x + w));
    const y1 = Math.min(this.height, Math.floor(y + h));
    for (let j = y0; j < y1; j++)
      for (let i = x0; i < x1; i++) {
        if (blend) this.blendPixel(i, j, rgba[0], rgba[1], rgba[2], rgba[3]);
        else this.data.set(rgba, 4 * (j * this.width + i));
      }
  }

  /** "over" compositing of one pixel (non-premultiplied RGBA bytes). */
  blendPixel(i: number, j: number, r: number, g: number, b: number, a: number): void {
    if (i < 0 || j < 0 || i >= this.width || j >= this.height || a <= 0) return;
    const o = 4 * (j * this.width + i);
    const d = this.data;
    const sa = a / 255;
    const da = d[o + 3] / 255;
    const oa = sa + da * (1 - sa);
    if (oa <= 0) return;
    d[o] = Math.round((r * sa + d[o] * da * (1 - sa)) / oa);
    d[o + 1] = Math.round((g * sa + d[o + 1] * da * (1 - sa)) / oa);
    d[o + 2] = Math.round((b * sa + d[o + 2] * da * (1 - sa)) / oa);
    d[o + 3] = Math.round(oa * 255);
  }

  /**
   * Draw text with its top-left at (x, y). `rotate90` draws it reading bottom-to-top (a vertical axis
   * label), with (x, y) the top-left of the rotated box.
   */
  drawText(text: string, x: number, y: number, rgb: [number, number, number] = [0, 0, 0], rotate90 = false): void {
    const total = textWidth(text);
    let pen = 0;
    for (const ch of text) {
      const g = glyph(ch);
      for (let gy = 0; gy < FONT_HEIGHT; gy++)
        for (let gx = 0; gx < g.width; gx++) {
          const a = g.alpha[gy * g.width + gx];
          if (!a) continue;
          // unrotated: (pen+gx, gy); rotated 90° counter-clockwise inside a box of size FONT_HEIGHT × total
          const px = rotate90 ? x + gy : x + pen + gx;
          const py = rotate90 ? y + (total - 1 - (pen + gx)) : y + gy;
          this.blendPixel(Math.round(px), Math.round(py), rgb[0], rgb[1], rgb[2], a);
        }
      pen += g.advance;
    }
  }

  toPng(): Uint8Array {
    return encode({ width: this.width, height: this.height, data: this.data, channels: 4, depth: 8 });
  }
}

interface Glyph {
  advance: number;
  width: number;
  alpha: Uint8Array;
}
let glyphMap: Map<number, Glyph> | undefined;

function glyph(ch: string): Glyph {
  if (!glyphMap) {
    glyphMap = new Map();
    for (const [code, advance, width, hex] of GLYPHS) {
      const alpha = new Uint8Array(width * FONT_HEIGHT);
      for (let k = 0; k < alpha.length; k++) alpha[k] = parseInt(hex[k], 16) * 17;
      glyphMap.set(code, { advance, width, alpha });
    }
  }
  const cp = ch.codePointAt(0) ?? 63;
  return glyphMap.get(cp) ?? glyphMap.get(63)!;
}

/** Width in pixels of `text` in the built-in font. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += glyph(ch).advance;
  return w;
}

export const TEXT_HEIGHT = FONT_HEIGHT;
export const TEXT_ASCENT = FONT_ASCENT;
