/**
 * The WebAssembly SIMD kernel against the JavaScript kernel of invertTile on the same inputs: every
 * output value bit-identical (Object.is, so even the sign of a zero counts) and the same solver-path
 * statistics, over the cases that take a pixel off the fast path — no-data and NaN phase, water mask,
 * gaps below and above the network's edge connectivity, split networks, too little redundancy, a huge
 * residual, maskDataset coherence / connectComponent, every weight function, both solution spaces, a
 * reference pixel inside the tile, pixel counts that are not a multiple of the kernel's block — and on
 * MintPy's cv-tiny stack.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertTile, type InvertTileInput } from '../../src-core/common/inversion/invertTile';
import { SimdNetworkKernel, kernelTileArea, simdAvailable } from '../../src-core/common/inversion/simdKernel';
import { WeightTable, numLooksFromAttrs, type WeightFunc } from '../../src-core/common/inversion/weights';
import { networkDesign } from '../../src-core/common/inversion/design';
import { NetworkLaplacian } from '../../src-core/common/inversion/laplacian';
import { IfgramStack } from '../../src-core/node/formats/mintpyFiles';
import { formatDate, parseDate } from '../../src-core/common/time/dates';
import { REPO_ROOT, describeParity, fx } from '../helpers/fixtures';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function dates(n: number): string[] {
  const t0 = parseDate('20180109').getTime();
  return Array.from({ length: n }, (_, i) => formatDate(new Date(t0 + i * 12 * 86400000)));
}

/** nearest-3 network with the first–last pair and a few long pairs; optional split at `split` */
function network(N: number, split = -1): [number, number][] {
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < N; i++)
    for (let k = 1; k <= 3 && i + k < N; k++)
      if (split < 0 || i >= split || i + k < split) out.set(`${i}_${i + k}`, [i, i + k]);
  if (split < 0) {
    out.set(`0_${N - 1}`, [0, N - 1]);
    for (let i = 2; i + 9 < N; i += 4) out.set(`${i}_${i + 9}`, [i, i + 9]);
  }
  return [...out.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** A tile whose pixels exercise every branch; P chosen so blocks of 128 and groups of 4 end ragged. */
function tile(N: number, P: number, seed: number, split = -1): InvertTileInput & { connComp: Int16Array } {
  const r = lcg(seed);
  const d = dates(N);
  const idx = network(N, split);
  const M = idx.length;
  const truth = new Float64Array(N * P);
  for (let p = 0; p < P; p++) for (let k = 1; k < N; k++) truth[k * P + p] = truth[(k - 1) * P + p] + (r() - 0.5) * 2;
  const phase = new Float32Array(M * P);
  const coherence = new Float32Array(M * P);
  const connComp = new Int16Array(M * P);
  idx.forEach(([a, b], i) => {
    for (let p = 0; p < P; p++) {
      const o = i * P + p;
      phase[o] = truth[b * P + p] - truth[a * P + p] + 3 + (r() - 0.5);
      coherence[o] = r() < 0.05 ? (r() < 0.5 ? NaN : 0.01) : 0.1 + 0.9 * r();
      connComp[o] = r() < 0.1 ? 0 : 1;
      const kind = p % 23;
      if (kind === 1 && r() < 0.1) phase[o] = 0; // a few gaps (still connected)
      if (kind === 2 && r() < 0.4) phase[o] = 0; // many gaps (redundancy / connectivity checks, splits)
      if (kind === 3) phase[o] = 0; // no valid pair
      if (kind === 4 && i % 5 === 0) phase[o] = NaN;
      if (kind === 5 && (a === 7 || b === 7)) phase[o] = 0; // a date left with no pair
      if (kind === 8 && a < 10 && b >= 10) phase[o] = 0; // split in two at date 10 (minimum-norm path)
      if (kind === 6 && i === 2) phase[o] += 3e4; // a huge residual
      if (kind === 7 && a < 4) phase[o] = 0; // first dates cut off
    }
  });
  const ref = 17;
  const pixelMask = Uint8Array.from({ length: P }, (_, p) => (p % 29 === 3 || (p >= 40 && p < 48) ? 0 : 1));
  return {
    pairs: idx.map(([a, b]) => [d[a], d[b]] as [string, string]),
    numPixels: P,
    phase,
    coherence,
    connComp,
    refPhase: Float32Array.from({ length: M }, (_, i) => phase[i * P + ref]),
    pixelMask,
    weightFunc: 'var',
    numLooks: 9,
    minNormVelocity: true,
    minRedundancy: 1,
    wavelength: 0.05546576,
    refPixel: ref,
  };
}

/**
 * The tile as the invert task gives it to the kernel: read into the kernel's tile area (rows `stride`
 * apart; the padding holds NaN, as stale memory might), inverted there in place.
 */
function invertInPlace(input: InvertTileInput): ReturnType<typeof invertTile> {
  const M = input.pairs.length;
  const P = input.numPixels;
  const N = new Set(input.pairs.flatMap((p) => (typeof p === 'string' ? p.split('_') : [...p]))).size;
  const area = kernelTileArea(M, N, P)!;
  area.phase.fill(NaN);
  area.coherence.fill(NaN);
  for (let i = 0; i < M; i++) {
    area.phase.set(input.phase.subarray(i * P, (i + 1) * P), i * area.stride);
    if (input.coherence) area.coherence.set(input.coherence.subarray(i * P, (i + 1) * P), i * area.stride);
  }
  const cohMask = input.maskData !== undefined && input.maskData === input.coherence;
  return invertTile({
    ...input,
    phase: area.phase,
    coherence: input.coherence ? area.coherence : undefined,
    maskData: cohMask ? area.coherence : input.maskData,
    tile: area,
    kernel: 'simd',
  });
}

function expectSameBits(input: InvertTileInput, label: string): ReturnType<typeof invertTile> {
  const js = invertTile({ ...input, kernel: 'js' });
  const simd = invertTile({ ...input, kernel: 'simd' });
  const inPlace = invertInPlace(input);
  for (const [name, other] of [
    ['simd', simd],
    ['simd in place', inPlace],
  ] as const) {
    for (const key of ['ts', 'temporalCoherence', 'numInvIfgram'] as const) {
      let diff = 0;
      let first = -1;
      for (let i = 0; i < js[key].length; i++)
        if (!Object.is(js[key][i], other[key][i])) {
          diff++;
          if (first < 0) first = i;
        }
      expect(
        diff,
        `${label}, ${name}: ${key} differs in ${diff} values (first at ${first}: js ${js[key][first]}, ${name} ${other[key][first]})`,
      ).toBe(0);
    }
    expect({ ...other.stats, simd: 0 }, `${label}, ${name}`).toEqual(js.stats);
  }
  return simd;
}

describe('invertTile: SIMD kernel vs JavaScript kernel (bit-identical)', () => {
  it('WebAssembly SIMD is available in this runtime', () => {
    expect(simdAvailable()).toBe(true);
  });

  it('the committed kernel binary is the one src-wasm/invertKernel.ts compiles to', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-wasm.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
  });

  for (const weightFunc of ['var', 'no', 'coh', 'fim'] as WeightFunc[])
    for (const minNormVelocity of [true, false])
      it(`${weightFunc}, minNormVelocity ${minNormVelocity}: every branch, ragged blocks`, () => {
        const input = tile(25, 517, 7, -1);
        const out = expectSameBits({ ...input, weightFunc, minNormVelocity }, `${weightFunc}/${minNormVelocity}`);
        // the cases really went to the other paths
        expect(out.stats.nullSpace + out.stats.svdFallback).toBeGreaterThan(0);
        expect(out.stats.laplacian).toBeGreaterThan(300);
      });

  it('var √w in the kernel (bucket table): every float32 from below 0.05 to past the last node, and the odd ones', () => {
    const design = networkDesign([['20200101', '20200113']]);
    const lap = new NetworkLaplacian(design);
    const f = new Float32Array(1);
    const u = new Int32Array(f.buffer);
    f[0] = 0.04;
    const first = u[0];
    f[0] = 1.01;
    const last = u[0];
    const CHUNK = 1 << 22;
    for (const L of [9, 1]) {
      const table = new WeightTable('var', L);
      let bad = 0;
      let firstBad = '';
      const check = (values: Float32Array) => {
        const area = kernelTileArea(1, 2, values.length)!;
        area.coherence.set(values);
        const k = new SimdNetworkKernel(
          lap,
          design.idx1,
          design.idx2,
          Float64Array.of(0),
          table.sqrtLutForKernel(),
          area,
        );
        k.sqrtWeightsVarInPlace();
        const got = k.views().sw;
        const want = new Float32Array(values.length);
        table.sqrtWeightsInto(values, 0, values.length, want, 0, 1);
        for (let i = 0; i < values.length; i++)
          if (!Object.is(got[i], want[i])) {
            if (!bad) firstBad = `c = ${values[i]}: kernel ${got[i]}, JavaScript ${want[i]}`;
            bad++;
          }
      };
      // every bit pattern in the range (L = 9), a stride through it (L = 1)
      const step = L === 9 ? 1 : 97;
      for (let b0 = first; b0 <= last; b0 += CHUNK * step) {
        const n = Math.min(CHUNK, Math.floor((last - b0) / step) + 1);
        const bits = new Int32Array(n);
        for (let i = 0; i < n; i++) bits[i] = b0 + i * step;
        check(new Float32Array(bits.buffer));
      }
      check(Float32Array.of(NaN, -NaN, Infinity, -Infinity, 0, -0, -0.5, -1e-30, 1e-45, 0.05, 0.9975, 1, 2, 1e30));
      expect(bad, `L = ${L}: ${bad} values differ, first ${firstBad}`).toBe(0);
    }
  });

  it('minRedundancy 3 (pixels rejected by the redundancy check)', () => {
    const input = tile(20, 301, 11);
    const out = expectSameBits({ ...input, minRedundancy: 3 }, 'minRedundancy 3');
    const js = invertTile({ ...input, minRedundancy: 1, kernel: 'js' });
    expect(out.stats.inverted).toBeLessThan(js.stats.inverted);
  });

  it('maskDataset coherence and connectComponent', () => {
    const input = tile(18, 263, 5);
    expectSameBits({ ...input, maskDataset: 'coherence', maskData: input.coherence, maskThreshold: 0.4 }, 'coh mask');
    expectSameBits({ ...input, maskDataset: 'connectComponent', maskData: input.connComp }, 'connComp mask');
  });

  it('a tile large enough for padded rows in the kernel memory (stride ≠ pixels)', () => {
    const input = tile(14, 4101, 13);
    expect(kernelTileArea(input.pairs.length, 14, 4101)!.stride).toBeGreaterThan(4104);
    expectSameBits(input, 'padded stride');
    expectSameBits(
      { ...input, maskDataset: 'coherence', maskData: input.coherence, maskThreshold: 0.4 },
      'padded, coh',
    );
  });

  it('a split network (every pixel disconnected), no pixel mask, tiny tiles', () => {
    const input = tile(16, 130, 3, 8);
    expectSameBits({ ...input, pixelMask: undefined }, 'split');
    for (const P of [1, 3, 4, 5]) {
      const t = tile(12, P, 9);
      expectSameBits({ ...t, refPixel: undefined, pixelMask: undefined }, `P = ${P}`);
    }
  });
});

describeParity('invertTile SIMD vs JavaScript on cv-tiny', () => {
  it('every pixel of the fixture, var and no: bit-identical', async () => {
    const stack = await IfgramStack.open(fx('mintpy', 'inputs', 'ifgramStack.h5'));
    try {
      const kept = readFileSync(fx('mintpy', 'network_kept.txt'), 'utf8')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      const keptIdx = kept.map((k) => stack.date12.indexOf(k));
      const P = stack.length * stack.width;
      const all = stack.readRows('unwrapPhase', 0, stack.length) as Float32Array;
      const allCoh = stack.readRows('coherence', 0, stack.length) as Float32Array;
      const phase = new Float32Array(keptIdx.length * P);
      const coherence = new Float32Array(keptIdx.length * P);
      keptIdx.forEach((k, i) => {
        phase.set(all.subarray(k * P, (k + 1) * P), i * P);
        coherence.set(allCoh.subarray(k * P, (k + 1) * P), i * P);
      });
      const ref = 11 * stack.width + 63;
      for (const weightFunc of ['var', 'no'] as WeightFunc[])
        expectSameBits(
          {
            pairs: keptIdx.map((k) => stack.pairs[k]),
            numPixels: P,
            phase,
            coherence,
            refPhase: Float32Array.from(keptIdx, (k) => all[k * P + ref]),
            weightFunc,
            numLooks: numLooksFromAttrs(stack.attrs),
            minNormVelocity: true,
            minRedundancy: 1,
            wavelength: stack.wavelength,
            refPixel: ref,
          },
          `cv-tiny ${weightFunc}`,
        );
    } finally {
      stack.close();
    }
  });
});
