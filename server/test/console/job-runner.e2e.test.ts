import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { Job, JobChunk, JOB_CHUNK_BYTES } from '../../src/modules/job/job.entity';
import { JobFailure, runJobs, type JobHandler } from '../../src/modules/job/job-runner';
import { requestJob } from '../../src/modules/job/job.service';
import { JOB_HANDLERS } from '../../src/modules/job/kinds';
import { storeIn, tokenOf } from './qr-helpers';

jest.setTimeout(60_000);

/** Runs `fn` with a handler installed for the `csv_export` kind (restored after). */
async function withHandler<T>(handler: JobHandler, fn: () => Promise<T>): Promise<T> {
  const kinds = JOB_HANDLERS as Record<string, (() => JobHandler) | undefined>;
  const before = kinds.csv_export;
  kinds.csv_export = () => handler;
  try {
    return await fn();
  } finally {
    kinds.csv_export = before;
  }
}

const jobRow = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(Job).findOneByOrFail({ id }));
const chunkRows = (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(JobChunk).find({ where: { jobId: id }, order: { chunkNo: 'ASC' } }));

/** The generic job runner with a test kind: progress, chunks, fencing on the lease, attempts, visibility. */
describeEachDb(
  'job runner: progress every N items, 48 KB chunks, writes fenced on the lease',
  (get) => {
    it('writes progress every N items and the file in 48 KB chunks; the requester and admins see it, others get 404', async () => {
      const h = get();
      const store = await storeIn(h, null);
      const { staff: manager, token: managerToken } = await tokenOf(h, 'store_manager', store.id);
      const actor = { kind: 'staff' as const, staffId: manager.id, role: 'store_manager' as const, storeId: store.id, name: manager.name };
      const seen: number[] = [];
      const handler: JobHandler = {
        progressEvery: 3,
        async run(ctx, io) {
          io.setTotal(10);
          for (let i = 1; i <= 10; i++) {
            io.write(Buffer.alloc(13 * 1024, i)); // 130 KB in all
            await io.progress(i);
            seen.push((await jobRow(h, io.id)).progressDone);
          }
          return { fileName: '导出-测试.csv', contentType: 'text/csv; charset=utf-8', result: { rows: 10 } };
        },
      };
      const view = await withHandler(handler, async () => {
        const v = await requestJob(h.ctx, actor, { kind: 'csv_export', params: { a: 1 }, storeId: store.id, total: 0 });
        expect(await runJobs(h.ctx)).toBe(1);
        return v;
      });
      expect(seen).toEqual([0, 0, 3, 3, 3, 6, 6, 6, 9, 9]); // every 3 items (the 10 s renewal never came)
      const job = await jobRow(h, view.id);
      expect([job.status, job.progressDone, job.progressTotal, job.fileBytes, job.chunkCount, job.leaseOwner, job.leaseUntil]).toEqual(['done', 10, 10, 130 * 1024, 3, null, null]);
      const chunks = await chunkRows(h, view.id);
      expect(chunks.map((c) => c.data.length)).toEqual([JOB_CHUNK_BYTES, JOB_CHUNK_BYTES, 130 * 1024 - 2 * JOB_CHUNK_BYTES]);
      const file = await h.http.get(`/api/admin/jobs/${view.id}/file`).set(bearer(managerToken)).buffer(true).parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });
      expect(file.status).toBe(200);
      const body = file.body as Buffer;
      expect(body.length).toBe(130 * 1024);
      expect(body[0]).toBe(1);
      expect(body[body.length - 1]).toBe(10);
      expect(file.headers['content-disposition']).toBe(`attachment; filename="job-${view.id}.csv"; filename*=UTF-8''${encodeURIComponent('导出-测试.csv')}`);
      const polled = await h.http.get(`/api/admin/jobs/${view.id}`).set(bearer(managerToken));
      expect(polled.body.job).toMatchObject({ id: view.id, kind: 'csv_export', status: 'done', result: { rows: 10 }, fileName: '导出-测试.csv', downloadUrl: `/api/admin/jobs/${view.id}/file` });
      const { token: admin } = await tokenOf(h, 'admin');
      expect((await h.http.get(`/api/admin/jobs/${view.id}`).set(bearer(admin))).status).toBe(200);
      const { token: colleague } = await tokenOf(h, 'store_manager', store.id); // same store, did not ask for it
      expect((await h.http.get(`/api/admin/jobs/${view.id}`).set(bearer(colleague))).status).toBe(404);
      expect((await h.http.get('/api/admin/jobs/999999').set(bearer(admin))).status).toBe(404);
    });

    it('a runner whose lease was taken over writes nothing more; exhausted attempts, unknown kinds and crashes fail the job', async () => {
      const h = get();
      const { staff } = await tokenOf(h, 'marketer');
      const actor = { kind: 'staff' as const, staffId: staff.id, role: 'marketer' as const, storeId: null, name: staff.name };
      let jobId = 0;
      const stolen: JobHandler = {
        progressEvery: 1,
        async run(ctx, io) {
          jobId = io.id;
          io.write(Buffer.alloc(JOB_CHUNK_BYTES + 10, 7));
          await io.progress(1); // one chunk written under our lease
          // meanwhile our lease lapsed and another process claimed the job
          await h.deps.db.transaction((tx) => tx.getRepository(Job).update({ id: io.id }, { leaseOwner: 'other-process', leaseUntil: new Date(h.clock.now().getTime() + 60_000) }));
          io.write(Buffer.alloc(JOB_CHUNK_BYTES, 8));
          await io.progress(2); // refused: throws, and its chunk insert rolls back
          throw new Error('unreachable');
        },
      };
      await withHandler(stolen, async () => {
        await requestJob(h.ctx, actor, { kind: 'csv_export', params: {}, storeId: null, total: 2 });
        expect(await runJobs(h.ctx)).toBe(0); // it did not finish it
      });
      const job = await jobRow(h, jobId);
      expect([job.status, job.leaseOwner, job.progressDone]).toEqual(['running', 'other-process', 1]);
      expect((await chunkRows(h, jobId)).map((c) => c.chunkNo)).toEqual([0]);

      // a job that keeps dying: the claim after the third attempt fails it instead of running it again
      await h.deps.db.transaction((tx) => tx.getRepository(Job).update({ id: jobId }, { attempts: 3, leaseUntil: new Date(h.clock.now().getTime() - 1) }));
      expect(await runJobs(h.ctx)).toBe(1);
      const dead = await jobRow(h, jobId);
      expect([dead.status, JSON.parse(dead.result!).error]).toEqual(['failed', expect.stringContaining('已中断 3 次')]);
      expect(await chunkRows(h, jobId)).toEqual([]); // the claim cleared the partial file

      // a kind this server cannot run, a crash, and a failure the operator can act on
      const unknown = await h.deps.db.transaction((tx) => h.deps.db.insertReturningId(tx, Job, { kind: 'no_such_kind' as never, status: 'queued', params: '{}', requestedBy: staff.id }));
      expect(await runJobs(h.ctx)).toBe(1);
      expect(JSON.parse((await jobRow(h, unknown)).result!).error).toContain('不支持的任务类型');
      for (const [err, message] of [
        [new Error('boom: secret detail'), '内部错误'],
        [new JobFailure('没有可打印的二维码'), '没有可打印的二维码'],
      ] as const) {
        const v = await withHandler({ run: async () => Promise.reject(err) }, async () => {
          const r = await requestJob(h.ctx, actor, { kind: 'csv_export', params: {}, storeId: null, total: 1 });
          await runJobs(h.ctx);
          return r;
        });
        const failed = await jobRow(h, v.id);
        expect(failed.status).toBe('failed');
        expect(JSON.parse(failed.result!).error).toContain(message);
        expect(failed.result).not.toContain('secret detail');
      }
    });
  },
  { env: { PROCESS_ROLE: 'api' } },
);
