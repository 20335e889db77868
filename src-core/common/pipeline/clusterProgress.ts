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
