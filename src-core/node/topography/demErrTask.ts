/**
 * Tile task of the correct_topography step, shaped like the worker pool's tasks (pipeline/tileTasks.ts):
 * plain data naming the input files and a row window; the executor reads its own rows and runs the pure
 * kernel. The step runs it in-process today; to run it on the pool, add `DemErrTask` to `TileTask` and a
 * `case 'demErr': return executeDemErrTask(task)` to `executeTileTask`.
 */
import { H5Reader } from '../formats/h5';
import { demErrorTile } from '../../common/topography/demError';

export interface DemErrTask {
  kind: 'demErr';
  timeseriesFile: string;
  r0: number;
  r1: number;
  width: number;
  numDates: number;
  /** Bperp per date relative to the reference date (used when `bperp3d` is false) */
  pbase: number[];
  /** index of the reference date (3-D Bperp of the geometry file is referenced to it) */
  refIndex: number;
  /** geometry file with incidenceAngle / slantRangeDistance (pixelwise) and maybe a 3-D bperp; null = scene */
  geometryFile: string | null;
  pixelwise: boolean;
  bperp3d: boolean;
  /** scene-centre values, used when not pixelwise */
  scene: { incAngle: number; rangeDist: number } | null;
  /** temporalCoherence.h5 if it exists */
  tcohFile: string | null;
  dateFlag: boolean[];
  /** G_defo, numDates × P row-major */
  Gdefo: number[];
  P: number;
  phaseVelocity: boolean;
  tbase: number[];
}

export async function executeDemErrTask(
  t: DemErrTask,
): Promise<{ arrays: Record<string, Float32Array>; stats: Record<string, number> }> {
  const N = t.numDates;
  const n = (t.r1 - t.r0) * t.width;
  const ts = await H5Reader.open(t.timeseriesFile);
  const geom = t.geometryFile ? await H5Reader.open(t.geometryFile) : null;
  const tc = t.tcohFile ? await H5Reader.open(t.tcohFile) : null;
  try {
    const data = ts.readRows('timeseries', t.r0, t.r1);
    let pb: ArrayLike<number> = t.pbase;
    if (t.bperp3d && geom) {
      const raw = geom.readRows('bperp', t.r0, t.r1);
      const p3 = new Float64Array(N * n);
      for (let i = 0; i < N; i++)
        for (let p = 0; p < n; p++) p3[i * n + p] = Math.fround(raw[i * n + p] - raw[t.refIndex * n + p]);
      pb = p3;
    }
    const out = demErrorTile({
      N,
      n,
      ts: data,
      pbase: pb,
      rangeDist: t.pixelwise && geom ? geom.readRows('slantRangeDistance', t.r0, t.r1) : t.scene!.rangeDist,
      incAngle: t.pixelwise && geom ? geom.readRows('incidenceAngle', t.r0, t.r1) : t.scene!.incAngle,
      tcoh: tc ? tc.readRows('temporalCoherence', t.r0, t.r1) : null,
      dateFlag: t.dateFlag,
      Gdefo: Float64Array.from(t.Gdefo),
      P: t.P,
      phaseVelocity: t.phaseVelocity,
      tbase: t.tbase,
    });
    return {
      arrays: { dem: out.demErr, tsCor: out.tsCor, tsRes: out.tsRes },
      stats: { numEstimated: out.numEstimated },
    };
  } finally {
    ts.close();
    geom?.close();
    tc?.close();
  }
}
