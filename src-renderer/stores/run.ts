/** The pipeline run: start (from a step), cancel, each step's status and progress, the log, the last run. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  LogEvent,
  PipelineStep,
  ProgressEvent,
  ProjectInfo,
  RunStepEvent,
  RunSummary,
  StepInfo,
} from '../../src-shared/api';
import { api } from '../api/client';
import { useUiStore } from './ui';

const LOG_LINES = 500;

export const useRunStore = defineStore('run', () => {
  const running = ref(false);
  const steps = ref<RunSummary['steps']>([]);
  const progress = ref<
    Record<string, { done: number; total: number; label?: string; cluster?: ProgressEvent['cluster'] }>
  >({});
  const log = ref<string[]>([]);
  const lastRun = ref<RunSummary | null>(null);
  /** the pipeline's steps in MintPy's order (the core's step descriptors, through the API) */
  const stepList = ref<StepInfo[]>([]);

  async function loadSteps(): Promise<void> {
    if (!stepList.value.length)
      stepList.value = (await useUiStore().guarded(() => api.steps(), 'Reading the steps')) ?? [];
  }

  function followProject(p: ProjectInfo | null): void {
    void loadSteps();
    lastRun.value = p?.lastRun ?? null;
    running.value = p?.running ?? false;
    if (!running.value) cancelling.value = false;
  }

  async function start(from?: PipelineStep, to?: PipelineStep): Promise<void> {
    if (running.value) return;
    log.value = [];
    progress.value = {};
    const r = await useUiStore().guarded(() => api.runPipeline(from, to), 'Starting the run');
    if (r) {
      running.value = true;
      steps.value = r.steps;
    }
  }

  /** a cancel was asked for and the run has not ended yet (the panel says "cancelling…") */
  const cancelling = ref(false);

  async function cancel(): Promise<void> {
    if (!running.value || cancelling.value) return;
    cancelling.value = true;
    const ok = await useUiStore().guarded(() => api.cancelRun(), 'Cancelling the run');
    if (!ok) cancelling.value = false; // nothing to cancel (the run had ended) or the call failed
  }

  function onProgress(p: ProgressEvent): void {
    progress.value[p.step] = { done: p.done, total: p.total, label: p.label, cluster: p.cluster };
  }

  /** A typed step event of the run (started / finished / skipped / failed / cancelled). */
  function onStep(e: RunStepEvent): void {
    const s = steps.value.find((x) => x.name === e.step);
    if (!s) return;
    if (e.status === 'started') s.status = 'running';
    else if (e.status === 'finished') {
      s.status = 'done';
      s.seconds = e.seconds;
    } else if (e.status === 'skipped') s.status = 'skipped';
    else {
      s.status = e.status;
      s.seconds = e.seconds;
      if (e.status === 'failed') s.error = e.error;
    }
  }

  function onLog(l: LogEvent): void {
    log.value.push(`${l.time.slice(11, 19)}  ${l.message}`);
    if (log.value.length > LOG_LINES) log.value.splice(0, log.value.length - LOG_LINES);
  }

  function onFinished(run: RunSummary): void {
    running.value = false;
    cancelling.value = false;
    steps.value = run.steps;
    lastRun.value = run;
    const ui = useUiStore();
    if (run.status === 'failed')
      ui.toast(
        `The run failed: ${run.error ?? 'see the log'} — fix the input or settings, then re-run from the failed step`,
      );
    else if (run.status === 'ok') ui.toast('Run finished: layers updated', 'info');
  }

  return {
    running,
    cancelling,
    steps,
    stepList,
    loadSteps,
    progress,
    log,
    lastRun,
    followProject,
    start,
    cancel,
    onProgress,
    onStep,
    onLog,
    onFinished,
  };
});
