import type { JobView } from '@o2o/shared';
import { download, get } from './request';

/** A long job as the console polls it (its requester or an admin; 404 otherwise). */
export const getJob = async (id: number) => (await get<{ job: JobView }>(`/jobs/${id}`)).job;

/** Saves the finished job's file under the name the server gives (UTF-8 Content-Disposition). */
export const downloadJob = (job: JobView) => download(`/jobs/${job.id}/file`, job.fileName ?? `job-${job.id}`);
