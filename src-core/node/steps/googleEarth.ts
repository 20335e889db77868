/** google_earth (MintPy save_kmz.py velocity.h5): velocity.kmz beside velocity.h5, masked by maskTempCoh.h5. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeKmz } from '../export/kmz';
import { InputError, defineStep, type StepContext, type StepResult } from '../../common/pipeline/types';

export async function googleEarth(ctx: StepContext): Promise<StepResult> {
  const vel = join(ctx.workDir, 'velocity.h5');
  if (!existsSync(vel)) throw new InputError(`${vel}: not found (run the velocity step first)`);
  const r = await writeKmz({ file: vel, out: join(ctx.workDir, 'velocity.kmz'), signal: ctx.signal });
  ctx.log(
    `google_earth: ${r.path} (vlim ${r.vlim.map((v) => v.toFixed(2)).join(' … ')} ${r.unit}, mask ${r.maskFile ?? 'none'})`,
  );
  return { outputs: [r.path], summary: { vlim: r.vlim, unit: r.unit, seconds: r.seconds } };
}

export const googleEarthStep = defineStep({
  name: 'google_earth',
  description: 'velocity.kmz for Google Earth (mintpy.save.kmz)',
  run: googleEarth,
  skip: (t) => (t.bool('mintpy.save.kmz') ? null : 'mintpy.save.kmz = no'),
  keys: ['mintpy.save.kmz'],
  reads: ['velocity.h5', 'maskTempCoh.h5'],
  writes: ['velocity.kmz'],
});
