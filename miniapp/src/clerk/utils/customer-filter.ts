import { useMemo, useRef } from 'react';
import type { StaffCustomerView } from '@o2o/shared';
import type { CustomerFilter } from '../api/clerk';

export interface TagChip {
  id: number;
  name: string;
  group: string;
}

const LIFECYCLE: Record<string, string> = { new: '新客', active: '活跃', dormant: '沉睡', lost: '流失' };

/** A chip's text: lifecycle tags read "阶段·新客" (their stored names may be the rule keys). */
export function tagLabel(t: TagChip): string {
  return t.group === 'lifecycle' ? `阶段·${LIFECYCLE[t.name] ?? t.name}` : t.name;
}

/** The list filter from the chips: a lifecycle tag filters by `lifecycleTagId` (in force now), others by `tagId`. */
export function toFilter(isMember: boolean | undefined, dormantDays: number, tag: TagChip | null): CustomerFilter {
  const f: CustomerFilter = {};
  if (isMember !== undefined) f.isMember = isMember;
  if (dormantDays > 0) f.dormantDays = dormantDays;
  if (tag) {
    if (tag.group === 'lifecycle') f.lifecycleTagId = tag.id;
    else f.tagId = tag.id;
  }
  return f;
}

/** "会员 · 30天未消费 · 坚果" for the offer's audience line. */
export function describeFilter(f: CustomerFilter, tag: TagChip | null): string {
  const parts: string[] = [];
  if (f.isMember === true) parts.push('会员');
  if (f.isMember === false) parts.push('粉丝');
  if (f.dormantDays) parts.push(`${f.dormantDays}天未消费`);
  if (tag) parts.push(tag.group === 'lifecycle' ? (LIFECYCLE[tag.name] ?? tag.name) : tag.name);
  return parts.length ? `我的顾客中：${parts.join(' · ')}` : '我的全部顾客';
}

/**
 * Tag chips to filter by, from the tags of the customers seen so far (there is no clerk-facing tag list): category,
 * lifecycle and custom tags, kept across filter changes so a chip does not vanish when it narrows the list.
 */
export function useSeenTags(items: readonly StaffCustomerView[]): TagChip[] {
  const seen = useRef(new Map<number, TagChip>());
  return useMemo(() => {
    for (const c of items) for (const t of c.tags) if (t.group !== 'channel' && !seen.current.has(t.id)) seen.current.set(t.id, { id: t.id, name: t.name, group: t.group });
    return [...seen.current.values()].slice(0, 12);
  }, [items]);
}
