import type { BulkTagResult, TBulkTagBody } from '@o2o/shared';
import { In } from 'typeorm';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit, type AuditEntry } from '../audit/audit';
import { Customer } from '../customer/customer.entity';
import { checkRuleReferences, resolveAudience } from '../segment/audience';
import { CustomerTag } from './customer-tag.entity';
import { isRuleTagGroup } from './rule-tags';
import { applyTagDiff, chunk, emitTagChanges, pairKey, TAG_BATCH, type TagInsert } from './tag-changes';
import { Tag } from './tag.entity';
import { invalidateTagCounts } from './tag-counts';

/**
 * Manual tagging in bulk (admin / marketer): `add` puts the tags on (source `manual`, sourceRef `staff:<id>`,
 * optional expiry; a customer who already has a tag keeps it as it is — first source wins), `remove` takes them
 * off whatever their source. By a list of customer ids (unknown ids are reported, nothing is done for them) or
 * by a segment rule (its audience at this instant, read through the SQL engine).
 *
 * Runs in chunks of ≤ 1,000 customers, one transaction each: the chunk's customer rows are locked (which also
 * tells which ids exist), their current rows of these tags read, and only the difference inserted or deleted —
 * so `changed` is exact and a repeat of the same request changes 0 rows and emits nothing. A failure part-way
 * leaves earlier chunks applied; repeating the request completes it. Every chunk's changes are emitted as
 * `tags.bulk_changed` (source `manual`, per tag, ≤ 1,000 ids) in its transaction.
 * Lifecycle and RFM tags are the recompute's alone (TAG_RULE_MANAGED); unknown tag ids are TAG_UNKNOWN.
 * Audited (`tag.bulk_add` / `tag.bulk_remove`, see `applyBulkTag`).
 */
export async function bulkTag(ctx: Ctx, actor: StaffActor, cmd: TBulkTagBody): Promise<BulkTagResult> {
  const now = ctx.clock.now();
  const tags = await checkTags(ctx, cmd.tagIds);
  const ids = cmd.customerIds ? [...new Set(cmd.customerIds)].sort((a, b) => a - b) : await audienceOf(ctx, cmd, now);
  const names = tags.map((t) => `「${t.name}」`).join('');
  return applyBulkTag(ctx, actor, { action: cmd.action, tagIds: cmd.tagIds, customerIds: ids, expiresAt: cmd.expiresAt ? new Date(cmd.expiresAt) : null }, {
    action: cmd.action === 'add' ? 'tag.bulk_add' : 'tag.bulk_remove',
    targetType: 'tag',
    targetId: cmd.tagIds.length === 1 ? cmd.tagIds[0] : null,
    summary: `${cmd.action === 'add' ? '批量打标签' : '批量去标签'}${names}：${ids.length} 位顾客（${cmd.rule ? '按人群规则' : '按顾客 ID'}）`,
    details: { tagIds: cmd.tagIds, by: cmd.rule ? 'rule' : 'ids', rule: cmd.rule, customers: ids.length, expiresAt: cmd.expiresAt ?? null },
  });
}

export interface BulkTagJob {
  action: 'add' | 'remove';
  tagIds: number[];
  /** Distinct, ascending (chunks lock in id order). Any number: the request schemas bound their own inputs. */
  customerIds: number[];
  expiresAt: Date | null;
}

/**
 * The chunked apply behind every bulk tagging (by ids, by segment rule, by phone numbers), for tags the caller
 * has checked (`checkTags`). `auditEntry` is written in the first chunk's transaction: whatever this request
 * changes is covered by an audit row that committed with (or before) it. Nothing to do → no audit row.
 */
export async function applyBulkTag(ctx: Ctx, actor: StaffActor, job: BulkTagJob, auditEntry: AuditEntry | null): Promise<BulkTagResult> {
  const now = ctx.clock.now();
  const result: BulkTagResult = { action: job.action, customers: 0, changed: 0, unknownCustomerIds: [] };
  const tagsPerChunk = Math.max(1, Math.floor(TAG_BATCH / job.tagIds.length));
  let first = true;
  for (const part of chunk(job.customerIds, tagsPerChunk)) {
    const withAudit = first && auditEntry !== null;
    first = false;
    const r = await ctx.db.transaction(async (tx) => {
      if (withAudit) await audit(tx, actor, auditEntry);
      const found = (await ctx.db.forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id']).where({ id: In(part) }).orderBy('c.id', 'ASC')).getMany()).map((c) => c.id);
      if (found.length === 0) return { found, changed: 0 };
      const current = await tx.getRepository(CustomerTag).find({ where: { customerId: In(found), tagId: In(job.tagIds) }, select: { id: true, customerId: true, tagId: true, source: true } });
      const present = new Set(current.map((c) => pairKey(c.customerId, c.tagId)));
      const add: TagInsert[] =
        job.action === 'add'
          ? found.flatMap((customerId) =>
              job.tagIds.filter((tagId) => !present.has(pairKey(customerId, tagId))).map((tagId) => ({ customerId, tagId, source: 'manual' as const, sourceRef: `staff:${actor.staffId}`, expiresAt: job.expiresAt })),
            )
          : [];
      const changes = await applyTagDiff(tx, add, job.action === 'remove' ? current : [], now);
      await emitTagChanges(tx, changes, now, { source: 'manual' });
      return { found, changed: changes.length };
    });
    const known = new Set(r.found);
    result.customers += r.found.length;
    result.changed += r.changed;
    result.unknownCustomerIds.push(...part.filter((id) => !known.has(id)));
  }
  if (result.changed > 0) invalidateTagCounts(ctx.db);
  return result;
}

/** The tags, checked for manual tagging: unknown ids → TAG_UNKNOWN, lifecycle / RFM → TAG_RULE_MANAGED. */
export async function checkTags(ctx: Ctx, tagIds: number[]): Promise<Pick<Tag, 'id' | 'name' | 'tagGroup'>[]> {
  const tags = await ctx.db.read((em) => em.getRepository(Tag).find({ where: { id: In(tagIds) }, select: { id: true, name: true, tagGroup: true } }));
  const known = new Set(tags.map((t) => t.id));
  const unknown = tagIds.filter((id) => !known.has(id));
  if (unknown.length) throw new AppError('TAG_UNKNOWN', `Unknown tag ids ${unknown.join(', ')}`, { tagIds: unknown });
  const managed = tags.filter((t) => isRuleTagGroup(t.tagGroup)).map((t) => t.id);
  if (managed.length) throw new AppError('TAG_RULE_MANAGED', undefined, { tagIds: managed });
  return tagIds.map((id) => tags.find((t) => t.id === id)!);
}

async function audienceOf(ctx: Ctx, cmd: TBulkTagBody, now: Date): Promise<number[]> {
  const rule = cmd.rule!;
  return ctx.db.read(async (em) => {
    await checkRuleReferences(em, rule);
    return resolveAudience(em, rule, now);
  });
}
