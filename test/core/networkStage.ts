/** Test helper (not a test): a MintPy work dir staged from the cv-tiny fixture, and a StepContext for it. */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from '../../src-core/node/config/template';
import type { StepContext } from '../../src-core/common/pipeline/types';
import { fx } from '../helpers/fixtures';

/** A work dir whose inputs/ links to the fixture's staged files, with the fixture's full template. */
export function stageWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'inputs'));
  for (const f of ['ifgramStack.h5', 'geometryGeo.h5']) symlinkSync(fx('mintpy', 'inputs', f), join(dir, 'inputs', f));
  copyFileSync(fx('mintpy', 'smallbaselineApp.cfg'), join(dir, 'smallbaselineApp.cfg'));
  return dir;
}

export function ctxFor(dir: string, overrides: Record<string, string> = {}): StepContext {
  return {
    template: Template.read(join(dir, 'smallbaselineApp.cfg')).with(overrides),
    workDir: dir,
    log: () => {},
    progress: () => {},
    signal: new AbortController().signal,
  };
}
