/** Array tasks of a tiled step running on Slurm (each task runs one or more tiles). */
export interface ClusterProgress {
  scheduler: 'slurm';
  /** the array job ids submitted so far (the first, then the re-submissions) */
  jobIds: string[];
  tasksTotal: number;
  tasksDone: number;
  queued: number;
  running: number;
  /** task runs that failed or were cancelled so far (each was re-submitted, or ended the run) */
  failed: number;
  resubmitted: number;
}

/** The array's counts in one line, as the CLI's progress line and the app's run panel show them. */
export function describeClusterProgress(c: ClusterProgress): string {
  return (
    `Slurm ${c.jobIds.join('+')}: ${c.tasksDone}/${c.tasksTotal} tasks done, ${c.queued} queued, ${c.running} running` +
    `${c.failed ? `, ${c.failed} failed` : ''}${c.resubmitted ? `, ${c.resubmitted} re-submitted` : ''}`
  );
}
