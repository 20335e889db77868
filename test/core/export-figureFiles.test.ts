/** Figures as files: built from a generated project's outputs, written as SVG or rasterised PNG. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '../../src-core/node/demo';
import {
  coherenceMatrixFigure,
  mapFigure,
  networkFigure,
  pixelSeriesFigure,
  writeFigure,
} from '../../src-core/node/export/figureFiles';
import { runPipeline } from '../../src-core/node/pipeline/runner';

let wd: string;
beforeAll(async () => {
  const demo = await writeDemo(mkdtempSync(join(tmpdir(), 'fig-')), { rows: 40, cols: 60, numDates: 8, seed: 2 });
  const rec = await runPipeline({ templatePath: demo.templatePath, end: 'velocity', numWorkers: 0 });
  wd = rec.workDir;
}, 120_000);

const svgSize = (svg: string) => {
  const m = /<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no svg size');
  return [Number(m[1]), Number(m[2])];
};

describe('figure files', () => {
  it('network plot: one line per pair, dropped pairs dashed, PNG at 2× the SVG size', async () => {
    const svg = await networkFigure(wd);
    expect(svg).toContain('pairs kept');
    const png = join(wd, 'network.png');
    writeFigure(png, svg);
    const img = decode(readFileSync(png));
    const [w, h] = svgSize(svg);
    expect([img.width, img.height]).toEqual([Math.round(2 * w), Math.round(2 * h)]);
    // not blank: many distinct colours
    const colours = new Set<number>();
    for (let i = 0; i < img.data.length; i += 4 * 97)
      colours.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
    expect(colours.size).toBeGreaterThan(10);
  });

  it('coherence matrix, velocity map and a pixel series are written as SVG text', async () => {
    for (const [name, svg] of [
      ['cm.svg', await coherenceMatrixFigure(wd)],
      ['map.svg', await mapFigure(join(wd, 'velocity.h5'))],
      ['ts.svg', await pixelSeriesFigure(join(wd, 'timeseries.h5'), 36.12, -119.6)],
    ] as const) {
      writeFigure(join(wd, name), svg);
      const text = readFileSync(join(wd, name), 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      expect(text).toBe(svg);
    }
    expect(await mapFigure(join(wd, 'velocity.h5'))).toContain('cm/year');
  });

  it('refuses a point outside the grid, naming the file', async () => {
    await expect(pixelSeriesFigure(join(wd, 'timeseries.h5'), 10, 10)).rejects.toThrow(
      /timeseries\.h5: .* outside the grid/,
    );
  });
});
