export type { JobStatus, JobsTable } from './jobs.tables.js';
export {
  enqueueJob,
  enqueueJobs,
  cancelJob,
  type EnqueueJobInput,
  type JobTarget,
} from './jobs.repository.js';
export { JobRunner, type JobHandler, type JobContext, type JobRunnerOptions } from './job-runner.js';
