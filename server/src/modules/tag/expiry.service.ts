import type { Ctx } from '../../context';
import { CustomerTag } from './customer-tag.entity';
import { applyTagDiff, emitTagChanges, TAG_BATCH } from './tag-changes';

/**
 * The tag expiry job: rows whose `expires_at` has come (≤ now) are deleted in batches of ≤ 1,000, each batch in
 * one transaction that first reads the due rows with a locking read (so concurrent runs in several processes
 * never delete — or announce — the same row twice: the second waits, then no longer finds it) and emits the
 * removals (`source: 'expiry'`). Returns how many rows it removed; a repeat at the same instant removes 0.
 */
export async function expireCustomerTags(ctx: Ctx, batch = TAG_BATCH): Promise<number> {
  const now = ctx.clock.now();
  const size = Math.min(batch, TAG_BATCH);
  let total = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const due = await ctx.db
        .forUpdate(
          tx
            .getRepository(CustomerTag)
            .createQueryBuilder('ct')
            .select(['ct.id', 'ct.customerId', 'ct.tagId', 'ct.source'])
            .where('ct.expires_at <= :now', { now })
            .orderBy('ct.expires_at', 'ASC')
            .addOrderBy('ct.id', 'ASC')
            .limit(size),
        )
        .getMany();
      if (due.length === 0) return 0;
      const changes = await applyTagDiff(tx, [], due, now);
      await emitTagChanges(tx, changes, now, { source: 'expiry' });
      return due.length;
    });
    if (n === 0) return total;
    total += n;
    if (n < size) return total;
  }
}
