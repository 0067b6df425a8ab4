import { compareRuleTags, RULE_TAG_GROUPS, tagMatches, type ConsoleTagList, type CustomerTagDetail, type RuleTagSettings, type TagGroup, type TagSource, type TagSummaryView, type TTagListQuery } from '@o2o/shared';
import type { Ctx } from '../../context';
import { AppError } from '../../lib/app-error';
import { Customer } from '../customer/customer.entity';
import { toIso } from '../customer/customer-view';
import { CustomerTag } from './customer-tag.entity';
import { isRuleTagGroup } from './rule-tags';
import { Tag } from './tag.entity';
import { tagCounts } from './tag-counts';

/**
 * Every tag with its group and how many customers hold it. The count reads the (tag, customer) index only;
 * expired rows still count until the expiry job (every minute) removes them.
 */
export async function listTagSummaries(ctx: Ctx): Promise<TagSummaryView[]> {
  const [tags, counts] = await ctx.db.read((em) =>
    Promise.all([
      em.getRepository(Tag).find({ order: { tagGroup: 'ASC', name: 'ASC' } }),
      em.getRepository(CustomerTag).createQueryBuilder('ct').select('ct.tag_id', 'tagId').addSelect('COUNT(*)', 'n').groupBy('ct.tag_id').getRawMany<{ tagId: number; n: number | string }>(),
    ]),
  );
  const byTag = new Map(counts.map((c) => [Number(c.tagId), Number(c.n)]));
  return tags.map((t) => ({ id: t.id, name: t.name, group: t.tagGroup, customerCount: byTag.get(t.id) ?? 0, ruleManaged: isRuleTagGroup(t.tagGroup) }));
}

/**
 * The console's tag list (标签列表): tags filtered by group and name, ordered by group then name, each with its
 * customer count (`tagCounts`: the segment index when ready, else a grouped SQL count reused only while no tag
 * change can have happened since, i.e. the outbox head has not moved; the answer says which and when). All
 * matching tags unless `current` asks for a page (a brand has hundreds, not millions). The name search also finds
 * rule tags by the words the console shows for them (`tagLabel`: 活跃 finds `active`, 最近购买 the R tags).
 */
export async function listConsoleTags(ctx: Ctx, q: TTagListQuery): Promise<ConsoleTagList> {
  const now = ctx.clock.now();
  const tags = await ctx.db.read(async (em) => {
    const qb = em.getRepository(Tag).createQueryBuilder('t').orderBy('t.tag_group', 'ASC').addOrderBy('t.name', 'ASC');
    if (q.group) qb.andWhere('t.tag_group = :group', { group: q.group });
    // '!' escapes the pattern characters the same way in both dialects (SQLite has no default escape).
    // rule tags (at most 19 rows) come along and are matched on their labels below
    if (q.q) qb.andWhere("(t.name LIKE :q ESCAPE '!' OR t.tag_group IN (:...ruleGroups))", { q: `%${q.q.replace(/[!%_]/g, (m) => `!${m}`)}%`, ruleGroups: RULE_TAG_GROUPS });
    const rows = await qb.getMany();
    return q.q ? rows.filter((t) => !isRuleTagGroup(t.tagGroup) || tagMatches({ name: t.name, group: t.tagGroup }, q.q!)) : rows;
  });
  // rule tags read in their own order (新客 … 流失, R5 … M1), not by their stored names; the sort is stable
  tags.sort((a, b) => compareRuleTags({ name: a.name, group: a.tagGroup }, { name: b.name, group: b.tagGroup }));
  const page = q.current ? tags.slice((q.current - 1) * (q.pageSize ?? 20), q.current * (q.pageSize ?? 20)) : tags;
  const counts = await tagCounts(ctx.db, page.map((t) => t.id), now);
  return {
    items: page.map((t) => ({ id: t.id, name: t.name, group: t.tagGroup, customerCount: counts.byTag.get(t.id) ?? 0, ruleManaged: isRuleTagGroup(t.tagGroup), createdAt: t.createdAt.toISOString() })),
    total: tags.length,
    countSource: counts.source,
    countedAt: counts.at.toISOString(),
  };
}

/** A customer's tags with source, source reference and expiry (lapsed rows not yet swept are left out). NOT_FOUND for an unknown customer. */
export async function listCustomerTags(ctx: Ctx, customerId: number): Promise<CustomerTagDetail[]> {
  const now = ctx.clock.now();
  const { exists, rows } = await ctx.db.read(async (em) => ({
    exists: await em.getRepository(Customer).exists({ where: { id: customerId } }),
    rows: await em
      .getRepository(CustomerTag)
      .createQueryBuilder('ct')
      .innerJoin(Tag, 't', 't.id = ct.tag_id')
      .select(['ct.tag_id AS tagId', 't.name AS name', 't.tag_group AS tagGroup', 'ct.source AS source', 'ct.source_ref AS sourceRef', 'ct.tagged_at AS taggedAt', 'ct.expires_at AS expiresAt'])
      .where('ct.customer_id = :customerId', { customerId })
      .andWhere('(ct.expires_at IS NULL OR ct.expires_at > :now)', { now })
      .orderBy('t.tag_group', 'ASC')
      .addOrderBy('t.name', 'ASC')
      .getRawMany<{ tagId: number; name: string; tagGroup: TagGroup; source: TagSource; sourceRef: string | null; taggedAt: Date | string; expiresAt: Date | string | null }>(),
  }));
  if (!exists) throw new AppError('NOT_FOUND');
  rows.sort((a, b) => compareRuleTags({ name: a.name, group: a.tagGroup }, { name: b.name, group: b.tagGroup }));
  return rows.map((r) => ({
    tagId: Number(r.tagId),
    name: r.name,
    group: r.tagGroup,
    source: r.source,
    sourceRef: r.sourceRef,
    taggedAt: toIso(r.taggedAt),
    expiresAt: r.expiresAt === null ? null : toIso(r.expiresAt),
  }));
}

/** The rule-tag thresholds in force (read-only; they come from the environment). */
export function ruleTagSettings(ctx: Ctx): RuleTagSettings {
  const t = ctx.config.tags;
  return {
    timezone: 'Asia/Shanghai',
    lifecycle: {
      ...t.lifecycle,
      definition:
        `never purchased: new while < ${t.lifecycle.newDays} days since first scan (or sign-up), then dormant, lost from ${t.lifecycle.lostDays} days; ` +
        `purchased: active while < ${t.lifecycle.dormantDays} days since the last purchase, then dormant, lost from ${t.lifecycle.lostDays} days`,
    },
    rfm: { recencyDays: [...t.rfm.recencyDays], frequencyOrders: [...t.rfm.frequencyOrders], monetaryFen: [...t.rfm.monetaryFen] },
    preference: { windowDays: t.preferenceWindowDays, top: t.preferenceTop },
    recomputeIntervalMs: t.recomputeIntervalMs,
  };
}
