/**
 * modify_network step (smallbaselineApp.run_network_modification, MintPy 1.5.1):
 * 1. waterMask.h5 from the geometry's waterMask (§1);
 * 2. the pair selection from `mintpy.network.*`, stored in networkSelection.json (the user's
 *    ifgramStack.h5 is never modified; MintPy would rewrite its dropIfgram);
 * 3. coherenceSpatialAvg.txt (per-pair mean coherence, as modify_network / plot_network write it) and
 *    network_kept.txt (kept date12, one per line).
 * Note: MintPy 1.5.1 ignores the template's aoiYX/aoiLALO (its template reader looks them up under
 * the wrong names); we apply them to the coherence / area-ratio rules as the template documents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicFile';
import { basename, join, relative, resolve } from 'node:path';
import { TemplateError, type Template } from '../config/template';
import { IfgramStack } from '../formats/mintpyFiles';
import { userLatLonToRowCol } from '../../common/geo/gridCoords';
import { isDate } from '../../common/time/dates';
import { CancelledError, InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import {
  DEFAULT_RULES,
  NetworkRuleError,
  parseExcludeIfgIndex,
  selectNetwork,
  temporalBaselines,
  yyyymmdd,
  type NetworkRules,
} from '../../common/network/pairSelection';
import { SpatialAverager, nanmean32, type PixelBox } from '../../common/network/spatialAverage';
import { formatCoherenceSpatialAvg } from '../network/coherenceSpatialAvgTxt';
import { formatDate12List, networkConnectivity } from '../../common/network/networkGraph';
import { writeNetworkSelection } from '../network/selectionStore';
import { workFiles, workPath } from '../network/workFiles';
import { readMaskFile, writeWaterMaskFromGeometry } from '../masks/waterMask';
import { rowBlocks } from '../masks/stackMaps';
import { runStackPass } from '../masks/stackPass';
import { auxMapsKey, pairCoherenceKey } from '../masks/stackMapKeys';
import { saveStackMaps } from '../masks/stackMapCache';

const P = 'mintpy.network.';

function templateDateValue(t: Template, key: string): string | null {
  const v = t.get(key).trim();
  if (/^(no|none|false)$/i.test(v)) return null;
  const d = yyyymmdd(v);
  if (!/^\d{8}$/.test(d) || !isDate(d)) throw new InputError(`${t.path}: ${key}: "${v}" is not a date (YYYYMMDD)`);
  return d;
}

/** aoiYX "y0:y1,x0:x1" → (x0, y0, x1, y1), clipped to the grid (MintPy check_box_within_data_coverage). */
export function parseAoiYX(value: string, length: number, width: number, where = 'aoiYX'): PixelBox {
  const parts = value.split(',').map((s) => s.trim());
  const nums = parts.map((p) => p.split(':').map((s) => Number(s.trim())));
  if (parts.length !== 2 || nums.some((n) => n.length !== 2 || n.some((x) => !Number.isInteger(x))))
    throw new InputError(`${where}: "${value}" is not "y0:y1,x0:x1"`);
  const [y0, y1] = nums[0].sort((a, b) => a - b);
  const [x0, x1] = nums[1].sort((a, b) => a - b);
  return clipBox([x0, y0, x1, y1], length, width, where);
}

function clipBox(b: PixelBox, length: number, width: number, where: string): PixelBox {
  const [x0, y0, x1, y1] = b;
  if (y0 >= length || y1 <= 0 || x0 >= width || x1 <= 0)
    throw new InputError(
      `${where}: box (x0,y0,x1,y1) = (${b.join(', ')}) is outside the data (0, 0, ${width}, ${length})`,
    );
  return [Math.max(0, x0), Math.max(0, y0), Math.min(width, x1), Math.min(length, y1)];
}

/** aoiLALO "S:N,W:E" → pixel box on a geo grid. */
export function parseAoiLaLo(value: string, stack: IfgramStack, where = 'aoiLALO'): PixelBox {
  const grid = stack.grid;
  if (!grid)
    throw new InputError(`${where}: needs a geocoded stack (X_FIRST/Y_FIRST); use aoiYX for radar coordinates`);
  const parts = value.split(',').map((s) =>
    s
      .trim()
      .split(':')
      .map((x) => Number(x.trim())),
  );
  if (parts.length !== 2 || parts.some((p) => p.length !== 2 || p.some((x) => !Number.isFinite(x))))
    throw new InputError(`${where}: "${value}" is not "S:N,W:E"`);
  const [s, n] = parts[0].sort((a, b) => a - b);
  const [w, e] = parts[1].sort((a, b) => a - b);
  // the four corners (a lat/lon box is not grid-aligned on a UTM grid; on lat/lon grids two would do)
  const rc = [userLatLonToRowCol(grid, n, w), userLatLonToRowCol(grid, s, e)];
  if (grid.epsg !== undefined) rc.push(userLatLonToRowCol(grid, n, e), userLatLonToRowCol(grid, s, w));
  const rows = rc.map((p) => p[0]);
  const cols = rc.map((p) => p[1]);
  return clipBox(
    [Math.min(...cols), Math.min(...rows), Math.max(...cols), Math.max(...rows)],
    stack.length,
    stack.width,
    where,
  );
}

/** Kept date12 of a reference network: an ifgramStack .h5 (its dropIfgram) or a text file's first column. */
async function readReferenceNetwork(path: string): Promise<string[]> {
  if (!existsSync(path)) throw new InputError(`${path}: mintpy.network.referenceFile not found`);
  if (path.toLowerCase().endsWith('.h5')) {
    const ref = await IfgramStack.open(path);
    try {
      return ref.date12.filter((_, i) => ref.dropIfgram[i]);
    } finally {
      ref.close();
    }
  }
  const out: string[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, n) => {
      const s = line.trim();
      if (!s || s.startsWith('#')) return;
      const first = s.split(/\s+/)[0];
      const m = /^(\d{6,8})[_-](\d{6,8})$/.exec(first);
      if (!m) throw new InputError(`${path}: line ${n + 1}: "${first}" is not a date12 (YYYYMMDD_YYYYMMDD)`);
      out.push(`${yyyymmdd(m[1])}_${yyyymmdd(m[2])}`);
    });
  return out;
}

export interface NetworkSettings {
  rules: NetworkRules;
  maskFile: string | null;
  aoi: PixelBox | null;
  /** resolved template values, stored with the selection */
  settings: Record<string, unknown>;
}

/** Read `mintpy.network.*` into rules; errors name the template and key. */
export async function networkSettingsFromTemplate(
  t: Template,
  stack: IfgramStack,
  workDir: string,
): Promise<NetworkSettings> {
  try {
    const num = (k: string) => t.num(P + k);
    const excludeIdx = t.list(P + 'excludeIfgIndex');
    let excludeIfgIndex: number[];
    try {
      excludeIfgIndex = parseExcludeIfgIndex(excludeIdx, stack.numPairs);
    } catch (e) {
      throw new InputError(`${t.path}: ${P}excludeIfgIndex: ${(e as Error).message}`);
    }
    const excludeDate = t.list(P + 'excludeDate').map((d) => {
      const y = yyyymmdd(d);
      if (!/^\d{8}$/.test(y) || !isDate(y))
        throw new InputError(`${t.path}: ${P}excludeDate: "${d}" is not a date (YYYYMMDD)`);
      return y;
    });
    const refPath = workPath(workDir, t.get(P + 'referenceFile'));
    const rules: NetworkRules = {
      ...DEFAULT_RULES,
      tempBaseMax: num('tempBaseMax'),
      perpBaseMax: num('perpBaseMax'),
      connNumMax: num('connNumMax') === null ? null : Math.trunc(num('connNumMax') as number),
      startDate: templateDateValue(t, P + 'startDate'),
      endDate: templateDateValue(t, P + 'endDate'),
      excludeDate,
      excludeIfgIndex,
      referenceDate12: refPath ? await readReferenceNetwork(refPath) : null,
      coherenceBased: t.bool(P + 'coherenceBased'),
      minCoherence: num('minCoherence') ?? 0.7,
      areaRatioBased: t.bool(P + 'areaRatioBased'),
      minAreaRatio: num('minAreaRatio') ?? 0.75,
      keepMinSpanTree: t.bool(P + 'keepMinSpanTree'),
    };
    const maskPath = workPath(workDir, t.get(P + 'maskFile'));
    const maskFile = maskPath && existsSync(maskPath) ? maskPath : null;
    const aoiYX = t.get(P + 'aoiYX');
    const aoiLALO = t.get(P + 'aoiLALO');
    let aoi: PixelBox | null = null;
    if (!/^(no|none)$/i.test(aoiYX)) aoi = parseAoiYX(aoiYX, stack.length, stack.width, `${t.path}: ${P}aoiYX`);
    if (!/^(no|none)$/i.test(aoiLALO)) aoi = parseAoiLaLo(aoiLALO, stack, `${t.path}: ${P}aoiLALO`);
    const settings: Record<string, unknown> = {};
    for (const k of [
      'tempBaseMax',
      'perpBaseMax',
      'connNumMax',
      'startDate',
      'endDate',
      'excludeDate',
      'excludeIfgIndex',
      'referenceFile',
      'coherenceBased',
      'minCoherence',
      'areaRatioBased',
      'minAreaRatio',
      'keepMinSpanTree',
      'maskFile',
      'aoiYX',
      'aoiLALO',
    ])
      settings[P + k] = t.get(P + k);
    return { rules, maskFile, aoi, settings };
  } catch (e) {
    if (e instanceof TemplateError) throw new InputError(e.message);
    throw e;
  }
}

export interface PairAverages {
  /** per-pair mean coherence (mask, AOI, coh ≠ 0), all pairs */
  coherence: Float32Array;
  /** per-pair coherent-area ratio (only when requested) */
  areaRatio?: Float32Array;
  /** area-ratio threshold: mean coherence of the masked-out (water) pixels */
  areaRatioThreshold?: number;
  box: PixelBox;
}

/** Per-pair spatial averages of the stack's coherence, by row blocks. */
export function pairCoherenceAverages(
  stack: IfgramStack,
  mask: Uint8Array | null,
  box: PixelBox | null,
  withAreaRatio: boolean,
  signal?: AbortSignal,
): PairAverages {
  const { length, width, numPairs: m } = stack;
  if (!stack.has('coherence')) throw new InputError(`${stack.path}: no "coherence" dataset for the network coherence`);
  const avg = new SpatialAverager(m, { length, width, box });
  const rev = withAreaRatio ? new SpatialAverager(m, { length, width, reverseMask: true }) : null;
  const blocks = rowBlocks(length, m, width);
  for (const [r0, r1] of blocks) {
    if (signal?.aborted) throw new CancelledError();
    const coh = stack.readRows('coherence', r0, r1);
    const mk = mask ? mask.subarray(r0 * width, r1 * width) : null;
    avg.add(coh, r0, r1 - r0, mk);
    rev?.add(coh, r0, r1 - r0, mk);
  }
  const out: PairAverages = { coherence: avg.result(), box: avg.box };
  if (rev) {
    const thr = nanmean32(rev.result());
    const ratio = new SpatialAverager(m, { length, width, box, threshold: thr });
    for (const [r0, r1] of blocks) {
      if (signal?.aborted) throw new CancelledError();
      ratio.add(stack.readRows('coherence', r0, r1), r0, r1 - r0, mask ? mask.subarray(r0 * width, r1 * width) : null);
    }
    out.areaRatio = ratio.result();
    out.areaRatioThreshold = thr;
  }
  return out;
}

/** How MintPy prints the mask file in the text header: the name it was given (relative to workDir). */
function maskLabel(workDir: string, maskFile: string | null): string | null {
  if (!maskFile) return null;
  const rel = relative(resolve(workDir), maskFile);
  return rel.startsWith('..') ? maskFile : rel;
}

export async function modifyNetwork(ctx: StepContext): Promise<StepResult> {
  const { workDir, template: t } = ctx;
  const files = workFiles(workDir);
  const outputs: string[] = [];
  const warnings: string[] = [];

  // 1) waterMask.h5
  const waterMaskPath = join(workDir, 'waterMask.h5');
  if (files.geometry) {
    if (await writeWaterMaskFromGeometry(files.geometry, waterMaskPath)) {
      outputs.push(waterMaskPath);
      ctx.log(`wrote ${waterMaskPath} from ${files.geometry}`);
    }
  } else warnings.push('no geometry file in inputs/: waterMask.h5 not made');

  const stack = await IfgramStack.open(files.stack);
  try {
    const ns = await networkSettingsFromTemplate(t, stack, workDir);
    let mask: Uint8Array | null = null;
    if (ns.maskFile) {
      const mf = await readMaskFile(ns.maskFile);
      if (mf.length !== stack.length || mf.width !== stack.width)
        throw new InputError(
          `${ns.maskFile}: mask is ${mf.length}×${mf.width} but the stack is ${stack.length}×${stack.width}`,
        );
      mask = mf.mask;
    }
    const box = ns.rules.coherenceBased || ns.rules.areaRatioBased ? ns.aoi : null;
    ctx.progress({ step: 'modify_network', done: 0, total: 1, label: 'per-pair coherence' });
    const needCoh = ns.rules.coherenceBased || ns.rules.areaRatioBased;
    // without a coherence dataset only the coherence-based rules are impossible (MintPy's plot just loses its colours)
    let av: PairAverages | null = null;
    let bytesRead = 0;
    let prepared: { keep: boolean[]; maps: Record<string, Uint8Array | Float32Array> } | null = null;
    if (stack.has('coherence') && !needCoh) {
      // the pairs do not depend on the data: choose them first, then read coherence and connected
      // components once for the per-pair coherence and reference_point's maskConnComp / avgSpatialCoh
      let keep0: boolean[] = [];
      try {
        keep0 = selectNetwork({ date12: stack.date12, bperp: stack.bperp }, ns.rules).keep;
      } catch {
        // the rules are refused below, with the message naming the template
      }
      if (keep0.some(Boolean)) {
        const pass = await runStackPass(
          stack,
          { keep: keep0, pairCoherence: { maskFile: ns.maskFile, box }, connComp: true, avgCoherence: true },
          {
            signal: ctx.signal,
            numWorkers: ctx.numWorkers,
            onBlock: (d, n) => ctx.progress({ step: 'modify_network', done: d, total: n, label: 'rows' }),
          },
        );
        av = { coherence: pass.pairCoherence!, box: pass.pairCoherenceBox! };
        bytesRead = pass.bytesRead;
        prepared = {
          keep: keep0,
          maps: { maskConnComp: pass.maskConnComp!, avgSpatialCoh: pass.avgSpatialCoh! },
        };
      }
    }
    if (!av && (stack.has('coherence') || needCoh)) {
      av = pairCoherenceAverages(stack, mask, box, ns.rules.areaRatioBased, ctx.signal);
      bytesRead = stack.numPairs * stack.length * stack.width * 4 * (ns.rules.areaRatioBased ? 2 : 1);
    }
    if (!av) warnings.push(`${files.stack} has no coherence dataset: coherenceSpatialAvg.txt not written`);

    let sel;
    try {
      sel = selectNetwork(
        { date12: stack.date12, bperp: stack.bperp, coherence: av?.coherence, areaRatio: av?.areaRatio },
        ns.rules,
      );
    } catch (e) {
      if (e instanceof NetworkRuleError) throw new InputError(`${t.path}: ${e.message}`);
      throw e;
    }
    const date12 = stack.date12;
    const selPath = writeNetworkSelection(workDir, {
      stackFile: resolve(files.stack),
      numPairs: stack.numPairs,
      date12,
      keep: sel.keep,
      reasons: sel.reasons,
      settings: {
        ...ns.settings,
        maskFileUsed: ns.maskFile,
        aoiBox: av?.box ?? null,
        areaRatioThreshold: av?.areaRatioThreshold ?? null,
      },
    });
    outputs.push(selPath);

    if (av) {
      const txtPath = join(workDir, 'coherenceSpatialAvg.txt');
      writeFileAtomic(
        txtPath,
        formatCoherenceSpatialAvg({
          dataFile: basename(files.stack),
          maskFile: maskLabel(workDir, ns.maskFile),
          box: av.box,
          threshold: null,
          date12,
          mean: av.coherence,
          btemp: temporalBaselines(date12),
          bperp: stack.bperp,
        }),
      );
      outputs.push(txtPath);
    }
    // the per-pair values for the edit preview's network rules
    if (av)
      saveStackMaps(workDir, 'pairCoherence', pairCoherenceKey(files.stack, ns.maskFile, box), {
        coherence: av.coherence,
        ...(av.areaRatio ? { areaRatio: av.areaRatio } : {}),
      });
    // reference_point's maps over these kept pairs, from the same read
    if (prepared && prepared.keep.every((k, i) => k === sel.keep[i]))
      saveStackMaps(workDir, 'aux', auxMapsKey(files.stack, sel.keep), prepared.maps);
    const keptPath = join(workDir, 'network_kept.txt');
    writeFileAtomic(keptPath, formatDate12List(date12, sel.keep));
    outputs.push(keptPath);

    const conn = networkConnectivity(date12, sel.keep);
    if (conn.numComponents > 1)
      warnings.push(
        `the kept network is split into ${conn.numComponents} unconnected pieces (${conn.components.map((c) => c.length).join(' + ')} dates): ` +
          'the time series of the pieces are not tied together',
      );
    if (conn.datesWithoutPair.length)
      warnings.push(
        `${conn.datesWithoutPair.length} date(s) have no kept pair and leave the time series: ${conn.datesWithoutPair.join(', ')}`,
      );
    for (const w of warnings) ctx.log(`WARNING: ${w}`);
    const numKept = sel.keep.filter(Boolean).length;
    ctx.log(`kept ${numKept} of ${stack.numPairs} interferograms${sel.reset ? ' (no rule active: all kept)' : ''}`);
    ctx.progress({ step: 'modify_network', done: 1, total: 1 });
    return {
      outputs,
      summary: {
        numPairs: stack.numPairs,
        numKept,
        numDropped: stack.numPairs - numKept,
        reset: sel.reset,
        dropped: sel.reasons,
        mstPairs: sel.mstDate12,
        numComponents: conn.numComponents,
        datesWithoutPair: conn.datesWithoutPair,
        warnings,
        maskFile: ns.maskFile,
        aoiBox: av?.box ?? null,
        bytesRead,
      },
    };
  } finally {
    stack.close();
  }
}

export const modifyNetworkStep = defineStep({
  name: 'modify_network',
  description: 'pair selection by the mintpy.network.* rules (and the excluded pairs), water mask',
  run: modifyNetwork,
  keys: ['mintpy.network.*'],
  reads: ['inputs/ifgramStack.h5', 'inputs/geometryGeo.h5'],
  writes: ['waterMask.h5', 'networkSelection.json', 'coherenceSpatialAvg.txt', 'network_kept.txt'],
  layers: [{ file: 'waterMask.h5', dataset: 'waterMask', label: 'Water mask', kind: 'mask' }],
});
