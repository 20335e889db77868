/** google_earth (MintPy save_kmz.py velocity.h5): velocity.kmz beside velocity.h5, masked by maskTempCoh.h5. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeKmz } from '../export/kmz';
import { InputError, type StepContext, type StepResult } from '../../common/pipeline/types';

export async function googleEarth(ctx: StepContext): Promise<StepResult> {
  const vel = join(ctx.workDir, 'velocity.h5');
  if (!existsSync(vel)) throw new InputError(`${vel}: not found (run the velocity step first)`);
  const r = await writeKmz({ file: vel, out: join(ctx.workDir, 'velocity.kmz') });
  ctx.log(
    `google_earth: ${r.path} (vlim ${r.vlim.map((v) => v.toFixed(2)).join(' … ')} ${r.unit}, mask ${r.maskFile ?? 'none'})`,
  );
  return { outputs: [r.path], summary: { vlim: r.vlim, unit: r.unit, seconds: r.seconds } };
}
