import { In, type EntityManager } from 'typeorm';
import {
  ZSegmentRule,
  type SegmentPreviewResponse,
  type SegmentRule,
  type SegmentSampleCustomer,
  type SegmentView,
  type TCreateSegmentBody,
  type TUpdateSegmentBody,
} from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import type { StaffActor } from '../../http/policy';
import { Customer } from '../customer/customer.entity';
import { phoneMaskedOf } from '../customer/customer-view';
import { checkRuleReferences } from './audience';
import { msOf } from './bitmap-index';
import { segmentIndexOf } from './index-runtime';
import { Segment, SegmentExport, SegmentExportChunk } from './segment.entity';
import { sqlCount, sqlSampleIds } from './sql-engine';

const SAMPLE_SIZE = 20;

/**
 * Live count and a sample of 20 (newest customers first, phones masked) for a rule. Unknown tag/store/staff
 * ids → 400 naming them. The bitmap index answers when it is ready for today (`engine: 'bitmap'`, with its
 * freshness); otherwise, or with `engine=sql`, the SQL reference engine does. Read-only.
 */
export async function previewSegment(ctx: Ctx, rule: SegmentRule, engine: 'auto' | 'sql' = 'auto'): Promise<SegmentPreviewResponse> {
  const t0 = performance.now();
  await ctx.db.read((em) => checkRuleReferences(em, rule));
  const now = ctx.clock.now();
  const index = engine === 'auto' ? segmentIndexOf(ctx.db) : null;
  const hits = index?.evaluate(rule, now) ?? null;
  if (hits) {
    const size = hits.size;
    const ids: number[] = [];
    for (let i = size - 1; i >= 0 && ids.length < SAMPLE_SIZE; i--) ids.push(hits.select(i)!);
    const sample = await ctx.db.read((em) => sampleOf(em, ctx, ids));
    return { count: size, sample, engine: 'bitmap', freshness: index!.freshness(now), tookMs: Math.round(performance.now() - t0) };
  }
  const { count, sample } = await ctx.db.read(async (em) => {
    const count = await sqlCount(em, rule, now);
    return { count, sample: await sampleOf(em, ctx, await sqlSampleIds(em, rule, now, SAMPLE_SIZE)) };
  });
  return { count, sample, engine: 'sql', freshness: null, tookMs: Math.round(performance.now() - t0) };
}

/** The sample rows in the given order; a raw select (the preview runs on every edit of a rule). */
async function sampleOf(em: EntityManager, ctx: Ctx, ids: number[]): Promise<SegmentSampleCustomer[]> {
  if (ids.length === 0) return [];
  const rows = await em
    .createQueryBuilder()
    .select(['c.id AS id', 'c.phone_enc AS phoneEnc', 'c.member_since AS memberSince', 'c.level AS level', 'c.points_balance AS points', 'c.store_id AS storeId', 'c.last_purchase_at AS lastPurchaseAt'])
    .from(Customer, 'c')
    .where({ id: In(ids) })
    .getRawMany<{ id: number; phoneEnc: string | null; memberSince: unknown; level: number; points: number; storeId: number | null; lastPurchaseAt: Date | string | null }>();
  const byId = new Map(rows.map((c) => [Number(c.id), c]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    const last = msOf(c.lastPurchaseAt);
    return [
      {
        id,
        phone: phoneMaskedOf(ctx.pii, c.phoneEnc),
        isMember: c.memberSince !== null,
        level: Number(c.level),
        pointsBalance: Number(c.points),
        storeId: c.storeId === null ? null : Number(c.storeId),
        lastPurchaseAt: last === null ? null : new Date(last).toISOString(),
      },
    ];
  });
}

export function toSegmentView(s: Segment): SegmentView {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    rule: ZSegmentRule.parse(JSON.parse(s.rule)),
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** The saved rule of a segment (campaigns and exports read it); 404 when there is no such segment. */
export async function loadSegmentRule(em: EntityManager, segmentId: number): Promise<SegmentRule> {
  const s = await em.getRepository(Segment).findOne({ where: { id: segmentId }, select: { id: true, rule: true } });
  if (!s) throw new AppError('NOT_FOUND', 'Segment not found');
  return ZSegmentRule.parse(JSON.parse(s.rule));
}

/** Saves a named rule after checking its references. Not idempotent (each call is a new segment). */
export async function createSegment(ctx: Ctx, actor: StaffActor, body: TCreateSegmentBody): Promise<SegmentView> {
  const id = await ctx.db.transaction(async (tx) => {
    await checkRuleReferences(tx, body.rule);
    return ctx.db.insertReturningId(tx, Segment, { name: body.name, description: body.description ?? null, rule: JSON.stringify(body.rule), createdBy: actor.staffId });
  });
  return getSegment(ctx, id);
}

export async function getSegment(ctx: Ctx, id: number): Promise<SegmentView> {
  const s = await ctx.db.read((em) => em.getRepository(Segment).findOneBy({ id }));
  if (!s) throw new AppError('NOT_FOUND', 'Segment not found');
  return toSegmentView(s);
}

/** Newest first, keyset by id (`cursor` = the last id seen). */
export async function listSegments(ctx: Ctx, cursor: number | undefined, limit: number): Promise<{ items: SegmentView[]; nextCursor: string | null }> {
  const rows = await ctx.db.read((em) => {
    const qb = em.getRepository(Segment).createQueryBuilder('s').orderBy('s.id', 'DESC').limit(limit + 1);
    if (cursor) qb.where('s.id < :cursor', { cursor });
    return qb.getMany();
  });
  const page = rows.slice(0, limit);
  return { items: page.map(toSegmentView), nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
}

/** Renames, redescribes or replaces the rule (references checked). Exports already requested keep their rule. */
export async function updateSegment(ctx: Ctx, id: number, body: TUpdateSegmentBody): Promise<SegmentView> {
  await ctx.db.transaction(async (tx) => {
    if (body.rule) await checkRuleReferences(tx, body.rule);
    const set: Partial<Segment> = {};
    if (body.name !== undefined) set.name = body.name;
    if (body.description !== undefined) set.description = body.description;
    if (body.rule !== undefined) set.rule = JSON.stringify(body.rule);
    const res = await tx.createQueryBuilder().update(Segment).set(set).where('id = :id', { id }).execute();
    if (!res.affected) throw new AppError('NOT_FOUND', 'Segment not found');
  });
  return getSegment(ctx, id);
}

/** Deletes the segment with its exports. Idempotent apart from the 404 on a second call. */
export async function deleteSegment(ctx: Ctx, id: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const res = await tx.createQueryBuilder().delete().from(Segment).where('id = :id', { id }).execute();
    if (!res.affected) throw new AppError('NOT_FOUND', 'Segment not found');
    const exports = await tx.getRepository(SegmentExport).find({ where: { segmentId: id }, select: { id: true } });
    if (exports.length) {
      await tx.createQueryBuilder().delete().from(SegmentExportChunk).where({ exportId: In(exports.map((e) => e.id)) }).execute();
      await tx.createQueryBuilder().delete().from(SegmentExport).where({ segmentId: id }).execute();
    }
  });
}
