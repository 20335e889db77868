// @vitest-environment happy-dom
/**
 * The run panel's Slurm counts: a progress event with `cluster` (what jobService forwards from the runner)
 * reaches the run store, and the panel shows the core's one-line description under the running step (the
 * CLI's progress line prints the same description).
 */
import { beforeEach, expect, test, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { emit, fakeApi } from './fakeApi';
import RunPanel from '../../src-renderer/panels/RunPanel.vue';
import { useProjectStore } from '../../src-renderer/stores/project';
import { useRunStore } from '../../src-renderer/stores/run';
import { installEventHandlers } from '../../src-renderer/stores/events';

vi.mock('../../src-renderer/api/client', async () => ({ api: (await import('./fakeApi')).fakeApi }));

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  fakeApi.resetState();
  vi.clearAllMocks();
  document.body.innerHTML = '';
});

test('Slurm counts of the running step, from the progress event, in the run panel', async () => {
  installEventHandlers();
  await useProjectStore().open('/data/demo');
  const run = useRunStore();
  await run.start();
  const panel = mount(RunPanel as never, { global: { plugins: [pinia] }, attachTo: document.body });
  emit('onStep', { runId: 1, step: 'invert_network', status: 'started' });
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
  emit('onProgress', { runId: 1, step: 'invert_network', done: 37, total: 64, label: 'tiles on Slurm', cluster });
  await flushPromises();
  expect(run.progress.invert_network).toEqual({ done: 37, total: 64, label: 'tiles on Slurm', cluster });
  const counts = panel.get('[data-testid="step-invert_network"] [data-testid="slurm-counts"]');
  expect(counts.text()).toBe('Slurm 81342+81350: 35/64 tasks done, 12 queued, 16 running, 1 failed, 1 re-submitted');
  // a local run's progress has no counts
  emit('onProgress', { runId: 1, step: 'invert_network', done: 40, total: 64, label: 'tiles' });
  await flushPromises();
  expect(panel.find('[data-testid="slurm-counts"]').exists()).toBe(false);
  panel.unmount();
});
