import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { In } from 'typeorm';
import { ZSegmentRule, type SegmentExportView, type SegmentRule } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import type { StaffActor } from '../../http/policy';
import { Customer } from '../customer/customer.entity';
import { CustomerClerk } from '../customer/customer-clerk.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { countAudience } from './audience';
import { loadSegmentRule } from './segment.service';
import { SegmentExport, SegmentExportChunk } from './segment.entity';
import { sqlIdPage } from './sql-engine';
import { startPeriodic } from '../../lib/periodic';

const PAGE = 2_000;
const CHUNK_CHARS = 48 * 1024;
const LEASE_MS = 60_000;
export const EXPORT_CSV_HEADER = 'customer_id,phone_masked,is_member,level,points_balance,store_id,clerk_id,last_visit_at,last_purchase_at,order_count,total_spend_fen,marketing_consent\n';

/**
 * Requests a CSV export of the segment's audience, snapshotting the rule and the instant. Returns at once
 * (status `queued`); the work runs after commit in this process (`runExports`), and any process picks up an
 * export whose lease lapsed. Not idempotent: each request is a new export.
 */
export async function requestExport(ctx: Ctx, actor: StaffActor, segmentId: number): Promise<SegmentExportView> {
  const now = ctx.clock.now();
  const id = await ctx.db.transaction(async (tx) => {
    const rule = await loadSegmentRule(tx, segmentId);
    return ctx.db.insertReturningId(tx, SegmentExport, { segmentId, status: 'queued', rule: JSON.stringify(rule), asOf: now, processed: 0, chunkCount: 0, requestedBy: actor.staffId });
  });
  kickExports(ctx);
  return getExport(ctx, segmentId, id);
}

const runners = new WeakMap<object, Promise<void>>();
/** Starts the runner for this database unless it already runs in this process (it loops until no work is left). */
export function kickExports(ctx: Ctx): Promise<void> {
  const current = runners.get(ctx.db);
  if (current) return current;
  const run = runExports(ctx)
    .catch((err) => ctx.log.error({ err }, 'segment export runner failed'))
    .finally(() => runners.delete(ctx.db));
  runners.set(ctx.db, run);
  return run;
}

/** Works every claimable export (queued, or running with a lapsed lease) until none is left. */
export async function runExports(ctx: Ctx): Promise<void> {
  for (;;) {
    const claimed = await claimNext(ctx);
    if (!claimed) return;
    try {
      await work(ctx, claimed.id, claimed.rule, claimed.asOf, claimed.lease);
    } catch (err) {
      if (err instanceof LeaseLost) continue;
      ctx.log.error({ err, exportId: claimed.id }, 'segment export failed');
      await ctx.db.transaction((tx) =>
        tx.createQueryBuilder().update(SegmentExport).set({ status: 'failed', error: 'internal error', finishedAt: ctx.clock.now(), leaseUntil: null }).where('id = :id', { id: claimed.id }).execute(),
      );
    }
  }
}

class LeaseLost extends Error {}

async function claimNext(ctx: Ctx): Promise<{ id: number; rule: SegmentRule; asOf: Date; lease: Date } | null> {
  for (;;) {
    const now = ctx.clock.now();
    const next = await ctx.db.read((em) =>
      em
        .getRepository(SegmentExport)
        .createQueryBuilder('e')
        .select(['e.id', 'e.rule', 'e.asOf'])
        .where("e.status = 'queued' OR (e.status = 'running' AND e.lease_until < :now)", { now })
        .orderBy('e.id', 'ASC')
        .getOne(),
    );
    if (!next) return null;
    // A distinct lease instant per claim: the conditional updates below name it, so a slow worker whose lease
    // was taken over changes nothing.
    const lease = new Date(now.getTime() + LEASE_MS + crypto.randomInt(1000));
    const res = await ctx.db.transaction((tx) =>
      tx
        .createQueryBuilder()
        .update(SegmentExport)
        .set({ status: 'running', leaseUntil: lease, processed: 0, chunkCount: 0, total: null })
        .where("id = :id AND (status = 'queued' OR (status = 'running' AND lease_until < :now))", { id: next.id, now })
        .execute(),
    );
    if (res.affected === 1) return { id: next.id, rule: ZSegmentRule.parse(JSON.parse(next.rule)), asOf: next.asOf, lease };
  }
}

async function work(ctx: Ctx, id: number, rule: SegmentRule, asOf: Date, lease: Date): Promise<void> {
  // A previous holder may have written chunks: start over.
  await ctx.db.transaction((tx) => tx.createQueryBuilder().delete().from(SegmentExportChunk).where('export_id = :id', { id }).execute());
  const total = await ctx.db.read((em) => countAudience(em, rule, asOf));
  lease = await progress(ctx, id, lease, { total }, []);
  let buffer = EXPORT_CSV_HEADER;
  let chunkNo = 0;
  let processed = 0;
  for (let after = 0; ; ) {
    const ids = await ctx.db.read((em) => sqlIdPage(em, rule, asOf, after, PAGE));
    if (ids.length) {
      buffer += await csvRows(ctx, ids);
      processed += ids.length;
      after = ids[ids.length - 1]!;
    }
    const last = ids.length < PAGE;
    const chunks: SegmentExportChunk[] = [];
    while (buffer.length >= CHUNK_CHARS || (last && buffer.length > 0)) {
      // Cut at a line end so every chunk is whole rows.
      const cut = buffer.length <= CHUNK_CHARS ? buffer.length : buffer.lastIndexOf('\n', CHUNK_CHARS - 1) + 1;
      chunks.push(Object.assign(new SegmentExportChunk(), { exportId: id, chunkNo: chunkNo++, data: buffer.slice(0, cut) }));
      buffer = buffer.slice(cut);
    }
    lease = await progress(ctx, id, lease, { processed, chunkCount: chunkNo, ...(last ? { status: 'done' as const, finishedAt: ctx.clock.now(), total: processed } : {}) }, chunks);
    if (last) return;
  }
}

/** Writes chunks and progress under the lease (conditional on still holding it) and extends the lease. */
async function progress(ctx: Ctx, id: number, lease: Date, set: Partial<SegmentExport>, chunks: SegmentExportChunk[]): Promise<Date> {
  const next = set.status === 'done' ? null : new Date(ctx.clock.now().getTime() + LEASE_MS + crypto.randomInt(1000));
  await ctx.db.transaction(async (tx) => {
    const res = await tx
      .createQueryBuilder()
      .update(SegmentExport)
      .set({ ...set, leaseUntil: next })
      .where("id = :id AND status = 'running' AND lease_until = :lease", { id, lease })
      .execute();
    if (res.affected !== 1) throw new LeaseLost();
    if (chunks.length) await tx.createQueryBuilder().insert().into(SegmentExportChunk).values(chunks).updateEntity(false).execute();
  });
  return next ?? lease;
}

async function csvRows(ctx: Ctx, ids: number[]): Promise<string> {
  const [customers, clerks] = await ctx.db.read((em) =>
    Promise.all([
      em.getRepository(Customer).find({
        where: { id: In(ids) },
        select: { id: true, phoneEnc: true, memberSince: true, level: true, pointsBalance: true, storeId: true, lastVisitAt: true, lastPurchaseAt: true, orderCount: true, totalSpendFen: true, marketingConsent: true },
      }),
      em.getRepository(CustomerClerk).find({ where: { customerId: In(ids) }, select: { customerId: true, staffId: true } }),
    ]),
  );
  const clerkOf = new Map(clerks.map((c) => [c.customerId, c.staffId]));
  const byId = new Map(customers.map((c) => [c.id, c]));
  let out = '';
  for (const id of ids) {
    const c = byId.get(id);
    if (!c) continue; // deleted since the page was read
    // Only masked phones, ids, numbers and ISO times: nothing a spreadsheet could run as a formula.
    out += `${c.id},${phoneMaskedOf(ctx.pii, c.phoneEnc) ?? ''},${c.memberSince ? 1 : 0},${c.level},${c.pointsBalance},${c.storeId ?? ''},${clerkOf.get(c.id) ?? ''},${c.lastVisitAt?.toISOString() ?? ''},${c.lastPurchaseAt?.toISOString() ?? ''},${c.orderCount},${c.totalSpendFen},${c.marketingConsent ? 1 : 0}\n`;
  }
  return out;
}

function toView(e: SegmentExport): SegmentExportView {
  const progress = e.status === 'done' ? 100 : e.total ? Math.min(99, Math.floor((e.processed * 100) / e.total)) : 0;
  return {
    id: e.id,
    segmentId: e.segmentId,
    status: e.status,
    total: e.total,
    processed: e.processed,
    progress,
    createdAt: e.createdAt.toISOString(),
    finishedAt: e.finishedAt?.toISOString() ?? null,
    error: e.error,
    downloadPath: e.status === 'done' ? `/api/admin/segments/${e.segmentId}/exports/${e.id}/download` : null,
  };
}

export async function getExport(ctx: Ctx, segmentId: number, exportId: number): Promise<SegmentExportView> {
  const e = await ctx.db.read((em) => em.getRepository(SegmentExport).findOneBy({ id: exportId, segmentId }));
  if (!e) throw new AppError('NOT_FOUND', 'Export not found');
  return toView(e);
}

/** The finished CSV as a stream of its chunks (read 20 at a time); 409 until the export is done. */
export async function openExportCsv(ctx: Ctx, segmentId: number, exportId: number): Promise<{ stream: Readable; filename: string }> {
  const e = await ctx.db.read((em) => em.getRepository(SegmentExport).findOneBy({ id: exportId, segmentId }));
  if (!e) throw new AppError('NOT_FOUND', 'Export not found');
  if (e.status !== 'done') throw new AppError('SEGMENT_EXPORT_NOT_READY');
  async function* chunks() {
    for (let from = 0; from < e!.chunkCount; from += 20) {
      const rows = await ctx.db.read((em) =>
        em.getRepository(SegmentExportChunk).createQueryBuilder('k').where('k.export_id = :id AND k.chunk_no >= :from AND k.chunk_no < :to', { id: exportId, from, to: from + 20 }).orderBy('k.chunk_no', 'ASC').getMany(),
      );
      for (const r of rows) yield r.data;
    }
  }
  return { stream: Readable.from(chunks()), filename: `segment-${segmentId}-export-${exportId}.csv` };
}

/**
 * Every process looks for claimable exports once a minute, so an export whose worker died (lease lapsed) is
 * finished by another process without anyone asking again.
 */
export function startSegmentExports(ctx: Ctx, intervalMs = 60_000): { stop(): Promise<void> } {
  return startPeriodic(ctx.log, 'segment exports', intervalMs, () => kickExports(ctx));
}
