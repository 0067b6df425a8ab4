import { RoaringBitmap32 } from 'roaring';
import type { SegmentPredicate, SegmentRule } from '@o2o/shared';
import type { NumericBands } from './bands';
import type { BitmapIndex, IdColumn } from './bitmap-index';

/**
 * Below `filterMax` candidates a column predicate checks each candidate instead of building its bitmap.
 * Mutable only so the property test can hold both paths to the SQL answer.
 */
export const evalTuning = { filterMax: 100_000 };

interface Q {
  ix: BitmapIndex;
  nowMs: number;
  today: number;
}

/**
 * Rule → bitmap algebra over the index. `all` evaluates its children from the most to the least selective
 * (estimated from bitmap and band sizes) and passes the candidates so far down: once they are few, column
 * predicates (numbers, days, stores, clerks) check each candidate's exact value rather than building a bitmap
 * for the whole population. Either path gives the exact answer; only the cost differs.
 */
export function evaluateRule(ix: BitmapIndex, rule: SegmentRule, nowMs: number, today: number): RoaringBitmap32 {
  return node({ ix, nowMs, today }, rule, null);
}

/** The members of `within` (everyone when null) matching `r`: a fresh bitmap. */
function node(q: Q, r: SegmentRule, within: RoaringBitmap32 | null): RoaringBitmap32 {
  if (r.type === 'all') {
    const order = [...r.rules].sort((a, b) => estimate(q, a) - estimate(q, b));
    let cur = within;
    for (const child of order) {
      cur = node(q, child, cur);
      if (cur.size === 0) break;
    }
    return cur === within ? (within ?? q.ix.all).clone() : cur!;
  }
  if (r.type === 'any') return RoaringBitmap32.orMany(r.rules.map((child) => node(q, child, within)));
  if (r.type === 'not') return RoaringBitmap32.andNot(within ?? q.ix.all, node(q, r.rule, within));
  return predicate(q, r, within);
}

function predicate(q: Q, r: SegmentPredicate, within: RoaringBitmap32 | null): RoaringBitmap32 {
  const { ix, today } = q;
  const few = within !== null && within.size <= evalTuning.filterMax;
  const restrict = (b: RoaringBitmap32) => (within ? b.andInPlace(within) : b);
  const days = (bands: NumericBands, min: number | undefined, max: number | undefined, includeNever = false) =>
    numeric(bands, max === undefined ? undefined : today - max, min === undefined ? undefined : today - min, includeNever);
  const numeric = (bands: NumericBands, lo: number | undefined, hi: number | undefined, includeNull = false) =>
    few ? new RoaringBitmap32(bands.filter(within!.toUint32Array(), lo, hi, includeNull)) : restrict(bands.range(lo, hi, includeNull));
  const owners = (m: Map<number, RoaringBitmap32>, col: IdColumn, ids: number[]) => {
    if (few) {
      const set = new Set(ids);
      const out: number[] = [];
      const cand = within!.toUint32Array();
      for (let i = 0; i < cand.length; i++) if (set.has(col.get(cand[i]!))) out.push(cand[i]!);
      return new RoaringBitmap32(out);
    }
    return restrict(RoaringBitmap32.orMany(ids.map((id) => m.get(id)).filter((b): b is RoaringBitmap32 => !!b)));
  };
  const flag = (set: RoaringBitmap32, value: boolean) =>
    value ? (within ? RoaringBitmap32.and(within, set) : set.clone()) : RoaringBitmap32.andNot(within ?? ix.all, set);
  switch (r.type) {
    case 'tags': {
      const parts = [...new Set(r.tagIds)].map((t) => liveTag(q, t, within));
      if (r.match === 'any') return RoaringBitmap32.orMany(parts);
      parts.sort((a, b) => a.size - b.size);
      const out = parts[0]!;
      for (let i = 1; i < parts.length && out.size > 0; i++) out.andInPlace(parts[i]!);
      return out;
    }
    case 'stores':
      return owners(ix.stores, ix.storeOf, r.storeIds);
    case 'clerks':
      return owners(ix.clerks, ix.clerkOf, r.staffIds);
    case 'membership':
      return flag(ix.members, r.value === 'member');
    case 'consent':
      return flag(ix.consent, r.value);
    case 'level':
      return numeric(ix.level, r.min, r.max);
    case 'pointsBalance':
      return numeric(ix.points, r.min, r.max);
    case 'daysSinceLastPurchase':
      return days(ix.lastPurchaseDay, r.min, r.max, r.includeNever);
    case 'daysSinceLastVisit':
      return days(ix.lastVisitDay, r.min, r.max, r.includeNever);
    case 'memberDays':
      return days(ix.memberDay, r.min, r.max);
    case 'orderCount':
      return numeric(ix.orderCount[r.windowDays], r.min, r.max);
    case 'spend':
      return numeric(ix.spend[r.windowDays], r.minFen, r.maxFen);
  }
}

/** Holders of a tag (within the candidates) whose row has not expired by now. */
function liveTag(q: Q, tagId: number, within: RoaringBitmap32 | null): RoaringBitmap32 {
  const b = q.ix.tags.get(tagId);
  if (!b) return new RoaringBitmap32();
  const out = within ? RoaringBitmap32.and(b, within) : b.clone();
  const exp = q.ix.tagExpiry.get(tagId);
  if (!exp || out.size === 0 || !out.intersects(exp.ids)) return out;
  // Only the holders whose row expires are looked at (a native intersection first).
  const expiring = RoaringBitmap32.and(out, exp.ids).toUint32Array();
  const gone: number[] = [];
  for (let i = 0; i < expiring.length; i++) if (exp.times.get(expiring[i]!)! <= q.nowMs) gone.push(expiring[i]!);
  if (gone.length) out.removeMany(gone);
  return out;
}

/** Roughly how many customers a node selects (upper bounds from bitmap and band sizes), to order `all`. */
function estimate(q: Q, r: SegmentRule): number {
  const { ix, today } = q;
  const total = ix.all.size;
  const sum = (m: Map<number, RoaringBitmap32>, ids: number[]) => Math.min(total, ids.reduce((n, id) => n + (m.get(id)?.size ?? 0), 0));
  const days = (b: NumericBands, min?: number, max?: number, nulls = false) => b.estimate(max === undefined ? undefined : today - max, min === undefined ? undefined : today - min, nulls);
  switch (r.type) {
    case 'all':
      return Math.min(...r.rules.map((x) => estimate(q, x)));
    case 'any':
      return Math.min(total, r.rules.reduce((n, x) => n + estimate(q, x), 0));
    case 'not':
      return total; // cost is the child's; keep it late
    case 'tags':
      return r.match === 'any' ? sum(ix.tags, r.tagIds) : Math.min(...r.tagIds.map((t) => ix.tags.get(t)?.size ?? 0));
    case 'stores':
      return sum(ix.stores, r.storeIds);
    case 'clerks':
      return sum(ix.clerks, r.staffIds);
    case 'membership':
      return r.value === 'member' ? ix.members.size : total - ix.members.size;
    case 'consent':
      return r.value ? ix.consent.size : total - ix.consent.size;
    case 'level':
      return ix.level.estimate(r.min, r.max);
    case 'pointsBalance':
      return ix.points.estimate(r.min, r.max);
    case 'daysSinceLastPurchase':
      return days(ix.lastPurchaseDay, r.min, r.max, r.includeNever);
    case 'daysSinceLastVisit':
      return days(ix.lastVisitDay, r.min, r.max, r.includeNever);
    case 'memberDays':
      return days(ix.memberDay, r.min, r.max);
    case 'orderCount':
      return ix.orderCount[r.windowDays].estimate(r.min, r.max);
    case 'spend':
      return ix.spend[r.windowDays].estimate(r.minFen, r.maxFen);
  }
}
