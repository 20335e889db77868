/**
 * Instant feedback after an edit: `previewVelocity` re-inverts the pixels in view with the project's
 * current edits (src-core/node/preview) on a worker pool kept alive between calls, while a full run may
 * be going on in the pipeline process. The decimated copy of the stack it reads is built in the
 * background when a project is opened and after a run that rewrote the stack. No Electron import.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createPool, type TilePool } from '../../src-core/node/pipeline/pool';
import { openPreviewStore } from '../../src-core/node/preview/previewStore';
import { previewVelocity } from '../../src-core/node/preview/previewVelocity';
import { PREVIEW_MAX_PIXELS } from '../../src-core/common/preview/previewGrid';
import { InputError } from '../../src-core/common/pipeline/types';
import { valueStats } from '../../src-core/common/util/valueStats';
import type { Grid, PreviewResult } from '../../src-shared/api';
import { overridesOf, type ProjectService } from './projectService';

export class PreviewService {
  private pool: TilePool | null = null;
  private building: { workDir: string; promise: Promise<void> } | null = null;

  constructor(
    private readonly projects: ProjectService,
    private readonly numWorkers = 2,
  ) {}

  private getPool(): TilePool {
    this.pool ??= createPool(this.numWorkers);
    return this.pool;
  }

  private stackFile(): { workDir: string; stack: string } | null {
    const p = this.projects.current;
    if (!p) return null;
    const stack = join(p.workDir, 'inputs', 'ifgramStack.h5');
    return existsSync(stack) ? { workDir: p.workDir, stack } : null;
  }

  /**
   * Build the preview store in the background if this project's is missing or stale, then warm the
   * workers up with a small preview (WebAssembly tier-up, JIT), so the first preview after an edit is as
   * quick as the next ones.
   */
  prepare(): Promise<void> | null {
    const s = this.stackFile();
    if (!s) return null;
    if (openPreviewStore(s.workDir, s.stack)) {
      void this.warm();
      return null;
    }
    if (this.building?.workDir === s.workDir) return this.building.promise;
    const promise = this.getPool()
      .run({ kind: 'previewStore', workDir: s.workDir, stackFile: s.stack })
      .then(() => this.warm())
      .catch(() => undefined) // a failed build leaves no store: previews say they are not ready
      .finally(() => {
        if (this.building?.promise === promise) this.building = null;
      });
    this.building = { workDir: s.workDir, promise };
    return promise;
  }

  private async warm(): Promise<void> {
    const s = this.stackFile();
    const g = this.projects.current ? this.projects.grid() : null;
    if (!s || !g || !openPreviewStore(s.workDir, s.stack)) return;
    await this.preview({ row0: 0, row1: g.length, col0: 0, col1: g.width }, 20_000).catch(() => undefined);
  }

  async preview(
    view: { row0: number; row1: number; col0: number; col1: number },
    maxPixels?: number,
  ): Promise<PreviewResult> {
    const p = this.projects.require();
    const s = this.stackFile();
    if (!s) return { ok: false, reason: 'no interferogram stack yet: run load_data first' };
    if (!openPreviewStore(s.workDir, s.stack)) {
      // being built (after an open or a run): the answer waits for it rather than asking the user to retry
      await this.prepare();
      if (!openPreviewStore(s.workDir, s.stack))
        return { ok: false, reason: 'the preview data (a decimated copy of the stack) could not be built' };
    }
    try {
      const r = await previewVelocity(
        {
          workDir: p.workDir,
          templatePath: p.templatePath,
          overrides: overridesOf(p.db.history().current),
          view,
          maxPixels: maxPixels ?? PREVIEW_MAX_PIXELS,
        },
        this.getPool(),
      );
      const base = this.projects.grid();
      if (!base) return { ok: false, reason: 'the stack has no geographic grid' };
      const { step, r0, c0 } = r.window;
      const grid: Grid = {
        ...base,
        length: r.rows,
        width: r.cols,
        xFirst: base.xFirst + c0 * step * base.xStep,
        yFirst: base.yFirst + r0 * step * base.yStep,
        xStep: base.xStep * step,
        yStep: base.yStep * step,
      };
      return {
        ok: true,
        preview: {
          grid,
          values: r.velocity,
          units: 'm/year',
          stats: valueStats(r.velocity),
          step,
          pixels: r.rows * r.cols,
          keptPairs: r.keptPairs,
          reference: r.reference,
          seconds: r.seconds,
          notes: r.notes,
        },
      };
    } catch (e) {
      if (e instanceof InputError) return { ok: false, reason: e.message };
      throw e;
    }
  }

  private soon: ReturnType<typeof setTimeout> | undefined;

  /**
   * `prepare` in a moment: after a project is opened its first picture comes first (the copy's build, or the
   * workers' warm-up, would take the pool's cores meanwhile). A preview asked before then prepares at once.
   */
  prepareSoon(delayMs = 3000): void {
    clearTimeout(this.soon);
    this.soon = setTimeout(() => void this.prepare(), delayMs);
    this.soon.unref?.();
  }

  async dispose(): Promise<void> {
    clearTimeout(this.soon);
    const pool = this.pool;
    this.pool = null;
    await this.building?.promise;
    await pool?.destroy();
  }
}
