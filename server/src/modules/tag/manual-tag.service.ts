import type { BulkTagResult, TBulkTagBody } from '@o2o/shared';
import { In } from 'typeorm';
import type { Ctx } from '../../context';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { checkRuleReferences, resolveAudience } from '../segment/audience';
import { CustomerTag } from './customer-tag.entity';
import { isRuleTagGroup } from './rule-tags';
import { applyTagDiff, chunk, emitTagChanges, pairKey, TAG_BATCH, type TagInsert } from './tag-changes';
import { Tag } from './tag.entity';

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
 */
export async function bulkTag(ctx: Ctx, actor: StaffActor, cmd: TBulkTagBody): Promise<BulkTagResult> {
  const now = ctx.clock.now();
  await checkTags(ctx, cmd.tagIds);
  const ids = cmd.customerIds ? [...new Set(cmd.customerIds)].sort((a, b) => a - b) : await audienceOf(ctx, cmd, now);
  const result: BulkTagResult = { action: cmd.action, customers: 0, changed: 0, unknownCustomerIds: [] };
  const expiresAt = cmd.expiresAt ? new Date(cmd.expiresAt) : null;
  const tagsPerChunk = Math.max(1, Math.floor(TAG_BATCH / cmd.tagIds.length));
  for (const part of chunk(ids, tagsPerChunk)) {
    const r = await ctx.db.transaction(async (tx) => {
      const found = (await ctx.db.forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id']).where({ id: In(part) }).orderBy('c.id', 'ASC')).getMany()).map((c) => c.id);
      if (found.length === 0) return { found, changed: 0 };
      const current = await tx.getRepository(CustomerTag).find({ where: { customerId: In(found), tagId: In(cmd.tagIds) }, select: { id: true, customerId: true, tagId: true, source: true } });
      const present = new Set(current.map((c) => pairKey(c.customerId, c.tagId)));
      const add: TagInsert[] =
        cmd.action === 'add'
          ? found.flatMap((customerId) =>
              cmd.tagIds.filter((tagId) => !present.has(pairKey(customerId, tagId))).map((tagId) => ({ customerId, tagId, source: 'manual' as const, sourceRef: `staff:${actor.staffId}`, expiresAt })),
            )
          : [];
      const changes = await applyTagDiff(tx, add, cmd.action === 'remove' ? current : [], now);
      await emitTagChanges(tx, changes, now, { source: 'manual' });
      return { found, changed: changes.length };
    });
    const known = new Set(r.found);
    result.customers += r.found.length;
    result.changed += r.changed;
    result.unknownCustomerIds.push(...part.filter((id) => !known.has(id)));
  }
  return result;
}

async function checkTags(ctx: Ctx, tagIds: number[]): Promise<void> {
  const tags = await ctx.db.read((em) => em.getRepository(Tag).find({ where: { id: In(tagIds) }, select: { id: true, tagGroup: true } }));
  const known = new Set(tags.map((t) => t.id));
  const unknown = tagIds.filter((id) => !known.has(id));
  if (unknown.length) throw new AppError('TAG_UNKNOWN', `Unknown tag ids ${unknown.join(', ')}`, { tagIds: unknown });
  const managed = tags.filter((t) => isRuleTagGroup(t.tagGroup)).map((t) => t.id);
  if (managed.length) throw new AppError('TAG_RULE_MANAGED', undefined, { tagIds: managed });
}

async function audienceOf(ctx: Ctx, cmd: TBulkTagBody, now: Date): Promise<number[]> {
  const rule = cmd.rule!;
  return ctx.db.read(async (em) => {
    await checkRuleReferences(em, rule);
    return resolveAudience(em, rule, now);
  });
}
