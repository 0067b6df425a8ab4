import type { TagSource, TagView, TCreateTagBody, TRenameTagBody } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import type { StaffActor } from '../../http/policy';
import { audit } from '../audit/audit';
import { CustomerTag } from './customer-tag.entity';
import { isRuleTagGroup } from './rule-tags';
import { Tag } from './tag.entity';

export const tagView = (t: Tag): TagView => ({ id: t.id, name: t.name, group: t.tagGroup });

/** Lifecycle and RFM tags exist once, created by the rule recompute (TAG_RULE_MANAGED for those groups). Audited when a staff member creates it. */
export async function createTag(ctx: Ctx, cmd: TCreateTagBody, actor: StaffActor | null = null): Promise<TagView> {
  if (isRuleTagGroup(cmd.group)) throw new AppError('TAG_RULE_MANAGED');
  const tag = await ctx.db.transaction(async (tx) => {
    try {
      const repo = tx.getRepository(Tag);
      const saved = await repo.save(repo.create({ name: cmd.name, tagGroup: cmd.group }));
      if (actor) await audit(tx, actor, { action: 'tag.create', targetType: 'tag', targetId: saved.id, summary: `新建标签「${saved.name}」（${cmd.group}）`, details: { name: saved.name, group: cmd.group } });
      return saved;
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('TAG_NAME_TAKEN');
      throw err;
    }
  });
  return tagView(tag);
}

/**
 * Renames a tag (its group stays). Rows on customers, schedules on codes and segment rules refer to the id, so
 * they follow. Lifecycle / RFM names are the recompute's keys → TAG_RULE_MANAGED; the name taken in the group →
 * TAG_NAME_TAKEN; unknown → NOT_FOUND. Same name again → no change, no audit row. Audited (`tag.rename`).
 */
export async function renameTag(ctx: Ctx, actor: StaffActor, tagId: number, cmd: TRenameTagBody): Promise<TagView> {
  return ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Tag);
    const tag = await ctx.db.forUpdate(repo.createQueryBuilder('t').where('t.id = :tagId', { tagId })).getOne();
    if (!tag) throw new AppError('NOT_FOUND');
    if (isRuleTagGroup(tag.tagGroup)) throw new AppError('TAG_RULE_MANAGED');
    if (tag.name === cmd.name) return tagView(tag);
    try {
      const res = await tx.createQueryBuilder().update(Tag).set({ name: cmd.name }).where('id = :tagId AND name = :old', { tagId, old: tag.name }).execute();
      if (res.affected !== 1) throw new AppError('RETRYABLE_DB_CONFLICT');
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('TAG_NAME_TAKEN');
      throw err;
    }
    await audit(tx, actor, { action: 'tag.rename', targetType: 'tag', targetId: tagId, summary: `标签改名「${tag.name}」→「${cmd.name}」`, details: { before: tag.name, after: cmd.name } });
    return tagView({ ...tag, name: cmd.name });
  });
}

/**
 * Puts tags on a customer inside the caller's transaction, in one statement whatever their number.
 * A tag the customer already has is left as it is: the first source wins (unique on customer and tag).
 * Emits nothing itself: the scan flow (its one caller, the hottest path) already announces the tag ids in
 * `customer.scanned`, which the segment index reads as "these tags are on" (adding a held tag is a no-op).
 */
export async function tagCustomer(
  tx: EntityManager,
  customerId: number,
  tagIds: readonly number[],
  from: { source: TagSource; sourceRef: string | null; at: Date },
): Promise<void> {
  if (tagIds.length === 0) return;
  await tx
    .createQueryBuilder()
    .insert()
    .into(CustomerTag)
    .values(tagIds.map((tagId) => ({ customerId, tagId, source: from.source, sourceRef: from.sourceRef, taggedAt: from.at, expiresAt: null })))
    .orIgnore()
    .updateEntity(false)
    .execute();
}
