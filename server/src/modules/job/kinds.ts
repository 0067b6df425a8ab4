import type { JobKind } from '@o2o/shared';
import { posterJob } from '../qr-code/poster-job';
import { csvExportJob } from './csv-export';
import type { JobHandler } from './job-runner';

/**
 * The code that runs each kind of job. Adding a kind: one entry here, its request schema in shared, a `requestJob`
 * call. Entries are functions: the kinds' modules import the job service themselves (no load-order knot).
 */
export const JOB_HANDLERS: Partial<Record<JobKind, () => JobHandler>> = {
  qr_posters: () => posterJob,
  csv_export: () => csvExportJob,
};
