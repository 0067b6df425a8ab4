import type { TagSource, TagView, TCreateTagBody } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { CustomerTag } from './customer-tag.entity';
import { isRuleTagGroup } from './rule-tags';
import { Tag } from './tag.entity';

export const tagView = (t: Tag): TagView => ({ id: t.id, name: t.name, group: t.tagGroup });

/** Lifecycle and RFM tags exist once, created by the rule recompute (TAG_RULE_MANAGED for those groups). */
export async function createTag(ctx: Ctx, cmd: TCreateTagBody): Promise<TagView> {
  if (isRuleTagGroup(cmd.group)) throw new AppError('TAG_RULE_MANAGED');
  const tag = await ctx.db.transaction(async (tx) => {
    try {
      const repo = tx.getRepository(Tag);
      return await repo.save(repo.create({ name: cmd.name, tagGroup: cmd.group }));
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('TAG_NAME_TAKEN');
      throw err;
    }
  });
  return tagView(tag);
}

export async function listTags(ctx: Ctx): Promise<TagView[]> {
  const rows = await ctx.db.read((em) => em.getRepository(Tag).find({ order: { tagGroup: 'ASC', name: 'ASC' } }));
  return rows.map(tagView);
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
