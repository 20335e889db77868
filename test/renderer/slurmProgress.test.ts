// @vitest-environment happy-dom
/**
 * The run panel's Slurm counts: a progress event with `cluster` (what jobService forwards from the runner)
 * lands in the store, and the line the panel shows is the core's description (the CLI prints the same).
 */
import { describe, expect, it, vi } from 'vitest';
import type { ApiEventName } from '../../src-shared/api';
import type { ClusterProgress } from '../../src-core/common/pipeline/clusterProgress';

const handlers: Partial<Record<ApiEventName, (p: unknown) => void>> = {};
vi.mock('../../src-renderer/api/client', () => ({
  api: {
    on: (e: ApiEventName, cb: (p: unknown) => void) => {
      handlers[e] = cb;
      return () => {};
    },
  },
}));

describe('Slurm counts in the run panel', () => {
  it('a progress event with the array counts reaches the store; the panel line names every count', async () => {
    // imported by a computed path: the store uses DOM types, which this (Node) tsconfig leaves out
    const storeModule = '../../src-renderer/store';
    const { installEventHandlers, state } = (await import(/* @vite-ignore */ storeModule)) as {
      installEventHandlers: () => void;
      state: { progress: Record<string, { cluster?: ClusterProgress }> };
    };
    const { describeClusterProgress } = await import('../../src-core/common/pipeline/clusterProgress');
    installEventHandlers();
    const cluster = {
      scheduler: 'slurm' as const,
      jobIds: ['81342', '81350'],
      tasksTotal: 64,
      tasksDone: 35,
      queued: 12,
      running: 16,
      failed: 1,
      resubmitted: 1,
    };
    handlers.onProgress!({ runId: 1, step: 'invert_network', done: 37, total: 64, label: 'tiles on Slurm', cluster });
    expect(state.progress.invert_network).toEqual({ done: 37, total: 64, label: 'tiles on Slurm', cluster });
    expect(describeClusterProgress(state.progress.invert_network.cluster!)).toBe(
      'Slurm 81342+81350: 35/64 tasks done, 12 queued, 16 running, 1 failed, 1 re-submitted',
    );
    handlers.onProgress!({ runId: 1, step: 'velocity', done: 0, total: 4, label: 'tiles' });
    expect(state.progress.velocity.cluster).toBeUndefined();
  });
});
