/**
 * reference_point step (smallbaselineApp.run_reference_point, MintPy 1.5.1):
 * 1. maskConnComp.h5 and avgSpatialCoh.h5 over the kept pairs (generate_ifgram_aux_file);
 * 2. the reference pixel: the user's `mintpy.reference.lalo` (wins) or `.yx`, checked against MintPy's
 *    rules; else a REF_Y/REF_X already in the stack; else the deterministic automatic choice among
 *    MintPy's candidates (see reference/referencePoint.ts). Stored in referencePoint.json (the stack is
 *    never modified).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { H5Reader } from '../formats/h5';
import { IfgramStack } from '../formats/mintpyFiles';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';
import { readKeptPairs } from '../network/selectionStore';
import { workFiles, workPath } from '../network/workFiles';
import { validityFromPhaseVelocity, writeAvgSpatialCoh, writeMaskConnComp } from '../masks/stackMaps';
import { runStackPass } from '../masks/stackPass';
import { loadStackMaps, saveStackMaps } from '../masks/stackMapCache';
import { auxMapsKey, phaseMapKey } from '../masks/stackMapKeys';
import { PointValidity, bestValidCandidate } from '../reference/pointValidity';
import { ReferenceSelectionError, chooseReferencePoint, latLonToYX, referenceAttrs } from '../reference/referencePoint';
import { checkReferencePixel } from '../reference/checkReferencePixel';
import { writeReferencePoint, type ReferenceMethod, type ReferencePointRecord } from '../reference/referenceStore';

const P = 'mintpy.reference.';

/** REF_Y/REF_X stored in the stack's attributes, if inside the grid. */
export function stackReference(stack: IfgramStack): { y: number; x: number } | null {
  const a = stack.attrs;
  if (a.REF_Y === undefined || a.REF_X === undefined) return null;
  const y = Number(a.REF_Y);
  const x = Number(a.REF_X);
  if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || y >= stack.length || x < 0 || x >= stack.width)
    return null;
  return { y, x };
}

function parsePair(value: string, key: string, file: string, integer: boolean): [number, number] {
  const parts = value
    .replace(/[[\]]/g, '')
    .split(',')
    .map((s) => s.trim());
  const nums = parts.map(Number);
  if (
    parts.length !== 2 ||
    nums.some((n) => !Number.isFinite(n)) ||
    (integer && nums.some((n) => !Number.isInteger(n)))
  )
    throw new InputError(`${file}: ${key}: "${value}" is not "${integer ? 'row,col' : 'lat,lon'}"`);
  return [nums[0], nums[1]];
}

/** The user's reference point from the template (lalo wins over yx, as in MintPy), or null. */
export function userReferencePoint(
  ctx: StepContext,
  stack: IfgramStack,
): { y: number; x: number; method: 'yx' | 'lalo'; lat?: number; lon?: number } | null {
  const t = ctx.template;
  const lalo = t.get(P + 'lalo');
  const yx = t.get(P + 'yx');
  if (!/^(no|none|auto)$/i.test(lalo)) {
    const [lat, lon] = parsePair(lalo, P + 'lalo', t.path, false);
    if (Math.abs(lat) > 90 && stack.attrs.UTM_ZONE === undefined)
      throw new InputError(`${t.path}: ${P}lalo: latitude ${lat} is beyond ±90°; double-check the order (lat,lon)`);
    const grid = stack.grid;
    if (!grid)
      throw new InputError(
        `${t.path}: ${P}lalo needs a geocoded stack (X_FIRST/Y_FIRST); use ${P}yx for radar coordinates`,
      );
    return { ...latLonToYX(grid, lat, lon), method: 'lalo', lat, lon };
  }
  if (!/^(no|none|auto)$/i.test(yx)) {
    const [y, x] = parsePair(yx, P + 'yx', t.path, true);
    return { y, x, method: 'yx' };
  }
  return null;
}

async function readCoherenceMap(path: string, length: number, width: number): Promise<Float32Array> {
  const r = await H5Reader.open(path);
  try {
    const ds = r.has('coherence') ? 'coherence' : r.keys()[0];
    const shape = r.shape(ds);
    if (shape.length !== 2 || shape[0] !== length || shape[1] !== width)
      throw new InputError(`${path}: "${ds}" is ${shape.join('×')}, expected ${length}×${width}`);
    return Float32Array.from(r.read(ds) as ArrayLike<number>);
  } finally {
    r.close();
  }
}

export async function referencePoint(ctx: StepContext): Promise<StepResult> {
  const { workDir, template: t } = ctx;
  const files = workFiles(workDir);
  const stack = await IfgramStack.open(files.stack);
  try {
    const keep = readKeptPairs(workDir, stack);
    const { length, width } = stack;
    const stackRef = stackReference(stack);

    // 1) maskConnComp / avgSpatialCoh over the kept pairs: from modify_network's read of the stack when
    //    it made them for these pairs, else one pass here
    ctx.progress({ step: 'reference_point', done: 0, total: 1, label: 'maskConnComp / avgSpatialCoh' });
    const onBlock = (d: number, n: number) =>
      ctx.progress({ step: 'reference_point', done: d, total: n, label: 'rows' });
    const passOpts = { signal: ctx.signal, numWorkers: ctx.numWorkers, onBlock };
    let bytesRead = 0;
    let aux = loadStackMaps(workDir, 'aux', auxMapsKey(files.stack, keep));
    if (!aux) {
      const p = await runStackPass(stack, { keep, connComp: true, avgCoherence: true }, passOpts);
      aux = { maskConnComp: p.maskConnComp!, avgSpatialCoh: p.avgSpatialCoh! };
      bytesRead += p.bytesRead;
    }
    const maskConnComp = aux.maskConnComp as Uint8Array;
    const avgSpatialCoh = aux.avgSpatialCoh as Float32Array;
    const maskPath = join(workDir, 'maskConnComp.h5');
    const cohPath = join(workDir, 'avgSpatialCoh.h5');
    await writeMaskConnComp(maskPath, maskConnComp, stack);
    await writeAvgSpatialCoh(cohPath, avgSpatialCoh, stack);

    // 2) reference pixel. Validity (MintPy: the mean phase velocity over the kept pairs — referenced with
    //    the stack's REF if any — non-NaN and ≠ 0) is computed exactly at the pixels looked at, from one
    //    row read each; the whole map comes from the single pass over the phase in 3)
    const pv = new PointValidity(stack, keep, stackRef);
    let y = -1;
    let x = -1;
    let method: ReferenceMethod;
    let why = '';
    let numCandidates: number | undefined;
    let auto: { coh: Float32Array; minCoh: number; cohFile: string } | null = null;
    const user = userReferencePoint(ctx, stack);
    if (user) {
      // MintPy's rules for a user's pixel, the same check the app runs on a click (checkReferencePixel)
      const chk = await checkReferencePixel(user.y, user.x, { workDir, template: t, stack, keep });
      if (!chk.ok) throw new InputError(`${t.path}: ${P}${user.method}: ${chk.reason}`);
      ({ y, x, method } = user);
      why = `set by ${P}${user.method}${user.method === 'lalo' ? ` = ${user.lat},${user.lon}` : ''}`;
      if (chk.same) why += ' (the reference pixel already stored: kept, as MintPy does)';
    } else if (stackRef) {
      ({ y, x } = stackRef);
      method = 'existing';
      why = `REF_Y/REF_X already stored in ${files.stack} (kept, as MintPy does without --force)`;
    } else {
      const cohFile = workPath(workDir, t.get(P + 'coherenceFile')) ?? cohPath;
      if (!existsSync(cohFile)) throw new InputError(`${cohFile}: ${P}coherenceFile not found`);
      const coh =
        resolve(cohFile) === resolve(cohPath) ? avgSpatialCoh : await readCoherenceMap(cohFile, length, width);
      auto = { coh, minCoh: t.num(P + 'minCoherence') ?? 0.85, cohFile };
      method = 'maxCoherence';
      // the most coherent candidate whose data are valid (a few row reads; else the whole map below)
      const best = bestValidCandidate(coh, auto.minCoh, (i: number) => pv.at(Math.floor(i / width), i % width), 16);
      if (best !== null) {
        y = Math.floor(best / width);
        x = best % width;
      }
    }

    // 3) one pass over the kept pairs' phase: the validity map, and quick_overview's avgPhaseVelocity
    //    referenced at the chosen pixel (cached for it)
    const chosen = y >= 0 ? { y, x } : null;
    const sameRef = (a: { y: number; x: number } | null, b: { y: number; x: number } | null) =>
      a === b || (a !== null && b !== null && a.y === b.y && a.x === b.x);
    const refs = chosen && !sameRef(chosen, stackRef) ? [stackRef, chosen] : [stackRef];
    const phasePass = await runStackPass(stack, { keep, phaseVelocity: refs }, passOpts);
    bytesRead += phasePass.bytesRead;
    const validity = validityFromPhaseVelocity(phasePass.phaseVelocity![0]);
    if (!validity.some((v) => v))
      throw new InputError(`${files.stack}: no pixel has valid phase in the kept interferograms`);
    saveStackMaps(workDir, 'validity', phaseMapKey(files.stack, keep, stackRef), { validity });
    if (auto) {
      try {
        const a = chooseReferencePoint(validity, auto.coh, width, auto.minCoh);
        if (a.y !== y || a.x !== x) {
          // (only when the row reads gave up) the map decides; quick_overview references it itself
          y = a.y;
          x = a.x;
        }
        numCandidates = a.numCandidates;
        why =
          `automatic: the highest average spatial coherence (${a.coherence.toFixed(4)}) among the ${a.numCandidates} ` +
          `pixels MintPy would draw from at random (valid data, avgSpatialCoh ≥ ${auto.minCoh}); ties → smallest row, then col`;
      } catch (e) {
        if (e instanceof ReferenceSelectionError) throw new InputError(`${auto.cohFile}: ${e.message}`);
        throw e;
      }
    }
    const refMap = refs.findIndex((r) => sameRef(r, { y, x }));
    if (refMap >= 0)
      saveStackMaps(workDir, 'phaseRef', phaseMapKey(files.stack, keep, { y, x }), {
        avgPhaseVelocity: phasePass.phaseVelocity![refMap],
      });
    ctx.log(
      `reference_point: read ${(bytesRead / 1e9).toFixed(2)} GB of the stack (${pv.rowsRead} rows for point checks)`,
    );

    const attrs = referenceAttrs(y, x, stack.grid);
    const rec: ReferencePointRecord = {
      REF_Y: y,
      REF_X: x,
      ...(attrs.REF_LAT !== undefined ? { REF_LAT: Number(attrs.REF_LAT), REF_LON: Number(attrs.REF_LON) } : {}),
      method,
      why,
      stackFile: resolve(files.stack),
      length,
      width,
    };
    const recPath = writeReferencePoint(workDir, rec);
    ctx.log(`reference point y/x = (${y}, ${x}) — ${why}`);
    ctx.progress({ step: 'reference_point', done: 1, total: 1 });
    return {
      outputs: [maskPath, cohPath, recPath],
      summary: {
        ...attrs,
        method,
        why,
        ...(numCandidates !== undefined ? { numCandidates } : {}),
        numKept: keep.filter(Boolean).length,
        maskConnCompPixels: maskConnComp.reduce((a, b) => a + b, 0),
        bytesRead,
      },
    };
  } finally {
    stack.close();
  }
}

export const referencePointStep = defineStep({
  name: 'reference_point',
  description: "reference pixel: the user's mintpy.reference.lalo/yx (MintPy's checks) or the best candidate",
  run: referencePoint,
  keys: [
    'mintpy.reference.yx',
    'mintpy.reference.lalo',
    'mintpy.reference.maskFile',
    'mintpy.reference.coherenceFile',
    'mintpy.reference.minCoherence',
  ],
  reads: ['inputs/ifgramStack.h5', 'networkSelection.json', 'waterMask.h5'],
  writes: ['maskConnComp.h5', 'avgSpatialCoh.h5', 'referencePoint.json'],
  layers: [
    { file: 'maskConnComp.h5', dataset: 'mask', label: 'Mask: connected components', kind: 'mask' },
    { file: 'avgSpatialCoh.h5', dataset: 'coherence', label: 'Average spatial coherence', kind: 'map' },
  ],
});
