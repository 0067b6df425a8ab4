import QRCode from 'qrcode';
import { parseScene } from '@o2o/shared';
import { describeEachDb } from '../helpers/harness';
import { bearer } from '../helpers/flows';
import { makeClerkCode, makeStaff, setStaffStatusLeft } from '../helpers/fixtures';
import { Job, JobChunk } from '../../src/modules/job/job.entity';
import { runJobs } from '../../src/modules/job/job-runner';
import { posterLink } from '../../src/modules/qr-code/poster-pdf';
import { pdfPageCount, pdfTexts, storeIn, tokenOf } from './qr-helpers';

jest.setTimeout(60_000);

/**
 * Poster PDFs as jobs. The harness is an `api` process: requests queue jobs and nothing starts them in the
 * background, so the test decides when the runner works (`runJobs`), as a worker process would.
 */
describeEachDb(
  'QR posters: a PDF job with one page per code, its progress and its file',
  (get) => {
    it('prints one page per store code and active clerk code of 3 stores; the file is refused before done and to others', async () => {
      const h = get();
      const stores = [await storeIn(h, '华中一区'), await storeIn(h, '华中一区'), await storeIn(h, '华南一区')];
      const clerkNames: string[] = [];
      for (const s of stores) for (let i = 0; i < 2; i++) clerkNames.push((await makeStaff(h, 'clerk', s.id)).staff.name);
      const { staff: manager, token: managerToken } = await tokenOf(h, 'store_manager', stores[0]!.id);
      // a clerk who left keeps a code that is no longer printed
      const { staff: gone } = await makeStaff(h, 'clerk', stores[1]!.id);
      await makeClerkCode(h, stores[1]!.id, gone.id);
      await setStaffStatusLeft(h, gone.id);
      const { token: admin } = await tokenOf(h, 'admin');
      const batch = await h.http.post('/api/admin/qr-codes/batch').set(bearer(admin)).send({ storeIds: stores.map((s) => s.id), includeClerks: true });
      expect(batch.status).toBe(200);
      expect(batch.body.created).toBe(3 + 6 + 1); // the manager serves customers too

      const req = await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ storeIds: stores.map((s) => s.id), includeClerks: true });
      expect(req.status).toBe(202);
      expect(req.body.job).toMatchObject({ kind: 'qr_posters', status: 'queued', progressTotal: 10, downloadUrl: null });
      const id = req.body.job.id;
      const early = await h.http.get(`/api/admin/jobs/${id}/file`).set(bearer(admin));
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('JOB_NOT_READY');

      expect(await runJobs(h.ctx)).toBe(1);
      const done = await h.http.get(`/api/admin/jobs/${id}`).set(bearer(admin));
      expect(done.body.job).toMatchObject({ status: 'done', progressDone: 10, progressTotal: 10, downloadUrl: `/api/admin/jobs/${id}/file`, result: { pages: 10, storeCodes: 3, clerkCodes: 7, stores: 3 } });
      const file = await h.http.get(`/api/admin/jobs/${id}/file`).set(bearer(admin)).buffer(true).parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="job-\d+\.pdf"; filename\*=UTF-8''%E4%BA%8C%E7%BB%B4%E7%A0%81%E6%B5%B7%E6%8A%A5-/);
      const pdf = file.body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBe(done.body.job.fileBytes);
      expect(pdfPageCount(pdf)).toBe(10);
      // each clerk code names its owner by role: the store manager's reads 店长, a clerk's 导购; store codes say so
      const lines = pdfTexts(pdf);
      expect(lines.filter((l) => l.startsWith('专属')).sort()).toEqual([`专属店长 · ${manager.name}`, ...clerkNames.map((n) => `专属导购 · ${n}`)].sort());
      expect(lines.filter((l) => l === '门店会员码')).toHaveLength(3);
      // the CJK font is embedded as a subset, and the QR is vector paths (no image XObject)
      expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+WenQuanYiMicroHei/);
      expect(pdf.toString('latin1')).not.toMatch(/\/Subtype \/Image/);

      // another store's manager, and a marketer who did not ask for it, get 404 for the job and its file
      const { token: otherManager } = await tokenOf(h, 'store_manager', stores[2]!.id);
      const { token: marketer } = await tokenOf(h, 'marketer');
      for (const t of [otherManager, marketer]) {
        expect((await h.http.get(`/api/admin/jobs/${id}`).set(bearer(t))).status).toBe(404);
        expect((await h.http.get(`/api/admin/jobs/${id}/file`).set(bearer(t))).status).toBe(404);
      }

      // a store manager prints their own store (and sees that job), never a region or another store
      expect((await h.http.post('/api/admin/qr-codes/posters').set(bearer(managerToken)).send({ region: '华中一区', includeClerks: true })).status).toBe(403);
      expect((await h.http.post('/api/admin/qr-codes/posters').set(bearer(managerToken)).send({ storeIds: [stores[1]!.id], includeClerks: true })).status).toBe(403);
      const own = await h.http.post('/api/admin/qr-codes/posters').set(bearer(managerToken)).send({ storeIds: [stores[0]!.id], includeClerks: false });
      expect(own.status).toBe(202);
      await runJobs(h.ctx);
      const ownDone = await h.http.get(`/api/admin/jobs/${own.body.job.id}`).set(bearer(managerToken));
      expect(ownDone.body.job).toMatchObject({ status: 'done', progressTotal: 1 });
      const row = await h.deps.db.read((em) => em.getRepository(Job).findOneByOrFail({ id: own.body.job.id }));
      expect([row.storeId, row.requestedBy]).toEqual([stores[0]!.id, manager.id]);
      // audited, with the scope and the page count
      const audits: { action: string; summary: string }[] = await h.deps.db.read((em) => em.query("SELECT action, summary FROM audit_log WHERE action = 'qr_code.posters' ORDER BY id"));
      expect(audits.map((a) => a.summary)).toEqual([expect.stringContaining('3家门店（含导购码），约 10 页'), expect.stringContaining('（仅门店码），约 1 页')]);

      // bad scopes: none, two at once, an unknown store, a region without codes
      expect((await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ includeClerks: true })).status).toBe(400);
      expect((await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ all: true, region: 'x', includeClerks: true })).status).toBe(400);
      expect((await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ storeIds: [999_999], includeClerks: true })).status).toBe(404);
      const empty = await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ region: '无此区域', includeClerks: true });
      expect([empty.status, empty.body.code]).toEqual([409, 'QR_SET_EMPTY']);
    });

    it('a job whose runner died is taken over after its lease lapses and starts over; a missing font fails it with a clear message', async () => {
      const h = get();
      const store = await storeIn(h, '西北');
      const { token: admin } = await tokenOf(h, 'admin');
      await h.http.post('/api/admin/qr-codes/batch').set(bearer(admin)).send({ storeIds: [store.id], includeClerks: false });
      const req = await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ storeIds: [store.id], includeClerks: false });
      const id = req.body.job.id;
      // a runner claimed it, wrote a stale chunk and died
      await h.deps.db.transaction(async (tx) => {
        await tx.getRepository(Job).update({ id }, { status: 'running', leaseOwner: 'dead-process', leaseUntil: new Date(h.clock.now().getTime() + 60_000), attempts: 1 });
        await tx.getRepository(JobChunk).insert({ jobId: id, chunkNo: 0, data: Buffer.from('garbage') });
      });
      expect(await runJobs(h.ctx)).toBe(0); // its lease still holds
      expect((await h.http.get(`/api/admin/jobs/${id}`).set(bearer(admin))).body.job.status).toBe('running');
      h.clock.advance(61_000);
      expect(await runJobs(h.ctx)).toBe(1);
      const job = await h.deps.db.read((em) => em.getRepository(Job).findOneByOrFail({ id }));
      expect([job.status, job.attempts, job.leaseOwner]).toEqual(['done', 2, null]);
      const pdf = await h.http.get(`/api/admin/jobs/${id}/file`).set(bearer(admin)).buffer(true).parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });
      expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdfPageCount(pdf.body as Buffer)).toBe(1);

      // no font: the job fails, and says why
      const again = await h.http.post('/api/admin/qr-codes/posters').set(bearer(admin)).send({ storeIds: [store.id], includeClerks: false });
      const noFont = { ...h.ctx, config: { ...h.config, print: { ...h.config.print, fontFile: '/nonexistent/font.ttc' } } };
      expect(await runJobs(noFont)).toBe(1);
      const failed = await h.http.get(`/api/admin/jobs/${again.body.job.id}`).set(bearer(admin));
      expect(failed.body.job.status).toBe('failed');
      expect(failed.body.job.result.error).toContain('/nonexistent/font.ttc');
      expect(failed.body.job.result.error).toContain('fonts-wqy-microhei');
      expect((await h.http.get(`/api/admin/jobs/${again.body.job.id}/file`).set(bearer(admin))).body.code).toBe('JOB_NOT_READY');
    });

    it('the printed QR encodes the H5 entry with the code scene, which the server parses back to the code', async () => {
      const h = get();
      const link = posterLink(h.config.print.qrLinkBase, 'AbCdEf1234');
      expect(link).toBe(`${h.baseUrl}/h5/#/pages/index/index?scene=c%3DAbCdEf1234`);
      const scene = new URLSearchParams(link.split('?')[1]).get('scene');
      expect(parseScene(scene)).toBe('AbCdEf1234');
      expect(parseScene(encodeURIComponent(scene!))).toBe('AbCdEf1234');
      expect(QRCode.create(link, { errorCorrectionLevel: 'M' }).version).toBeLessThanOrEqual(6);
    });
  },
  { env: { PROCESS_ROLE: 'api' } },
);
