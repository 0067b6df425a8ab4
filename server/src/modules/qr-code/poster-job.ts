import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { ZQrPostersBody, type JobView, type StaffRole, type TQrPostersBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { JobFailure } from '../job/job-failure';
import type { JobHandler, JobIo } from '../job/job-runner';
import { requestJob } from '../job/job.service';
import { openPdf } from '../job/pdf';
import { Staff } from '../staff/staff.entity';
import { Store } from '../store/store.entity';
import { QrCode } from './qr-code.entity';
import { drawPoster, posterLink } from './poster-pdf';

/**
 * Printable posters: one A5 page per code of the scope — each store's store codes, then (includeClerks) the codes
 * of its active clerks — ordered by store code, as a PDF job (`qr_posters`) the console polls and downloads.
 *
 * Which codes: active codes of active stores; a clerk code only while its clerk is active in the code's store
 * (a printed poster of a clerk who left would bind nobody). Codes are not created here: batch-generate first.
 */
export async function requestPosters(ctx: Ctx, actor: StaffActor, cmd: TQrPostersBody): Promise<JobView> {
  // A store manager prints their own store only; the server decides, whatever the console sent.
  if (actor.role === 'store_manager' && !(cmd.storeIds && cmd.storeIds.length === 1 && cmd.storeIds[0] === actor.storeId))
    throw new AppError('FORBIDDEN_ROLE', 'A store manager prints only their own store');
  const { total, label } = await ctx.db.read(async (em) => {
    if (cmd.storeIds) {
      const found = await em.getRepository(Store).createQueryBuilder('s').select(['s.id', 's.name']).where('s.id IN (:...ids)', { ids: cmd.storeIds }).getMany();
      if (found.length !== new Set(cmd.storeIds).size) throw new AppError('NOT_FOUND', 'Unknown store in storeIds');
      return { total: await posterQuery(em, cmd).getCount(), label: found.length === 1 ? found[0]!.name : `${found.length}家门店` };
    }
    return { total: await posterQuery(em, cmd).getCount(), label: cmd.region ?? '全部门店' };
  });
  if (total === 0) throw new AppError('QR_SET_EMPTY');
  const storeId = actor.role === 'store_manager' ? actor.storeId : cmd.storeIds?.length === 1 ? cmd.storeIds[0]! : null;
  return requestJob(ctx, actor, { kind: 'qr_posters', params: { ...cmd, label }, storeId, total }, (tx, jobId) =>
    audit(tx, actor, {
      action: 'qr_code.posters',
      targetType: 'job',
      targetId: jobId,
      storeId,
      summary: `生成二维码海报 PDF：${label}${cmd.includeClerks ? '（含导购码）' : '（仅门店码）'}，约 ${total} 页`,
      details: { ...cmd, total },
    }),
  );
}

/** The codes to print, in page order. */
function posterQuery(em: EntityManager, cmd: TQrPostersBody): SelectQueryBuilder<QrCode> {
  const qb = em
    .getRepository(QrCode)
    .createQueryBuilder('q')
    .innerJoin(Store, 's', "s.id = q.store_id AND s.status = 'active'")
    .leftJoin(Staff, 'st', "st.id = q.staff_id AND st.store_id = q.store_id AND st.status = 'active' AND st.left_at IS NULL")
    .where("q.status = 'active'")
    .andWhere(cmd.includeClerks ? "(q.owner_type = 'store' OR st.id IS NOT NULL)" : "q.owner_type = 'store'");
  if (cmd.storeIds) qb.andWhere('q.store_id IN (:...storeIds)', { storeIds: cmd.storeIds });
  else if (cmd.region) qb.andWhere('s.region = :region', { region: cmd.region });
  return qb;
}

interface PosterRow {
  code: string;
  ownerType: 'store' | 'clerk';
  storeName: string;
  storeCode: string;
  region: string | null;
  clerkName: string | null;
  clerkRole: StaffRole | null;
}

/** Pages between two yields to the event loop (~2 ms a page): a long job never holds a request up for long. */
const YIELD_EVERY = 20;

async function run(ctx: Ctx, io: JobIo): Promise<{ fileName: string; contentType: string; result: unknown }> {
  const parsed = ZQrPostersBody.safeParse(Object.fromEntries(Object.entries(io.params as object).filter(([k]) => k !== 'label')));
  if (!parsed.success) throw new JobFailure('任务参数无效，请重新发起');
  const cmd = parsed.data;
  const label = String((io.params as { label?: unknown }).label ?? '');
  const rows = await ctx.db.read((em) =>
    posterQuery(em, cmd)
      .select(['q.code AS code', 'q.owner_type AS ownerType', 's.name AS storeName', 's.code AS storeCode', 's.region AS region', 'st.name AS clerkName', 'st.role AS clerkRole'])
      // store codes first within a store, then clerks by name
      .orderBy('s.code', 'ASC')
      .addOrderBy("CASE WHEN q.owner_type = 'store' THEN 0 ELSE 1 END", 'ASC')
      .addOrderBy('st.name', 'ASC')
      .addOrderBy('q.id', 'ASC')
      .getRawMany<PosterRow>(),
  );
  if (rows.length === 0) throw new JobFailure('所选范围内没有可打印的二维码（可能已停用），请先批量生成');
  io.setTotal(rows.length);
  const { print } = ctx.config;
  const doc = openPdf(print, { Title: `${print.brandName} 二维码海报 ${label}` });
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => io.write(chunk));
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    drawPoster(doc, {
      brandName: print.brandName,
      storeName: r.storeName,
      storeCode: r.storeCode,
      region: r.region,
      clerkName: r.ownerType === 'clerk' ? r.clerkName : null,
      clerkRole: r.ownerType === 'clerk' ? r.clerkRole : null,
      code: r.code,
      link: posterLink(print.qrLinkBase, r.code),
    });
    if ((i + 1) % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    await io.progress(i + 1);
  }
  doc.end();
  await ended;
  const clerkPages = rows.filter((r) => r.ownerType === 'clerk').length;
  const day = new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return {
    fileName: `二维码海报-${label || '门店'}-${day}.pdf`.replace(/[\\/:*?"<>|\r\n]/g, '_'),
    contentType: 'application/pdf',
    result: { pages: rows.length, storeCodes: rows.length - clerkPages, clerkCodes: clerkPages, stores: new Set(rows.map((r) => r.storeCode)).size },
  };
}

export const posterJob: JobHandler = { run, progressEvery: 200 };
