import fc from 'fast-check';
import { ORDER_WINDOWS, type SegmentPredicate, type SegmentRule } from '@o2o/shared';
import type { World } from './data';

const range = (lo: number, hi: number) =>
  fc
    .tuple(fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }), fc.option(fc.integer({ min: lo, max: hi }), { nil: undefined }))
    .filter(([a, b]) => a !== undefined || b !== undefined)
    .map(([a, b]) => (a !== undefined && b !== undefined && a > b ? { min: b, max: a } : { min: a, max: b }))
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as { min?: number; max?: number });

/** Random predicates over the world's ids (plus an id that exists nowhere) and values around the data's edges. */
export function predicateArb(w: World): fc.Arbitrary<SegmentPredicate> {
  const ids = (xs: number[]) => fc.uniqueArray(fc.constantFrom(...xs, 999_999), { minLength: 1, maxLength: 3 });
  const windowDays = fc.constantFrom(...ORDER_WINDOWS);
  const days = range(0, 400);
  return fc.oneof(
    fc.record({ type: fc.constant('tags' as const), match: fc.constantFrom('any' as const, 'all' as const), tagIds: ids(w.tagIds) }),
    fc.record({ type: fc.constant('stores' as const), storeIds: ids(w.storeIds) }),
    fc.record({ type: fc.constant('clerks' as const), staffIds: ids(w.clerkIds) }),
    fc.record({ type: fc.constant('membership' as const), value: fc.constantFrom('member' as const, 'fan' as const) }),
    fc.record({ type: fc.constant('consent' as const), value: fc.boolean() }),
    range(0, 5).map((r) => ({ type: 'level' as const, ...r })),
    range(0, 3000).map((r) => ({ type: 'pointsBalance' as const, ...r })),
    fc.tuple(days, fc.option(fc.boolean(), { nil: undefined })).map(([r, includeNever]) => ({ type: 'daysSinceLastPurchase' as const, ...r, ...(includeNever === undefined ? {} : { includeNever }) })),
    fc.tuple(days, fc.option(fc.boolean(), { nil: undefined })).map(([r, includeNever]) => ({ type: 'daysSinceLastVisit' as const, ...r, ...(includeNever === undefined ? {} : { includeNever }) })),
    days.map((r) => ({ type: 'memberDays' as const, ...r })),
    fc.tuple(windowDays, range(0, 5)).map(([windowDays, r]) => ({ type: 'orderCount' as const, windowDays, ...r })),
    fc.tuple(windowDays, range(0, 120_000)).map(([windowDays, r]) => ({
      type: 'spend' as const,
      windowDays,
      ...(r.min !== undefined ? { minFen: r.min } : {}),
      ...(r.max !== undefined ? { maxFen: r.max } : {}),
    })),
  ) as fc.Arbitrary<SegmentPredicate>;
}

/** Rule trees of depth ≤ 4 with up to 5 children per group (within SEGMENT_RULE_LIMITS). */
export function ruleArb(w: World): fc.Arbitrary<SegmentRule> {
  const pred = predicateArb(w);
  const tree = fc.letrec<{ node: SegmentRule }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      pred,
      fc.record({ type: fc.constant('all' as const), rules: fc.array(tie('node'), { minLength: 1, maxLength: 5 }) }),
      fc.record({ type: fc.constant('any' as const), rules: fc.array(tie('node'), { minLength: 1, maxLength: 5 }) }),
      fc.record({ type: fc.constant('not' as const), rule: tie('node') }),
    ),
  }));
  return tree.node;
}
