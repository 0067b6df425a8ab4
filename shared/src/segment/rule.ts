import { z } from '../zod';

/**
 * Segment rule tree (人群规则): `all` / `any` / `not` over predicates on a customer. One schema for the console and
 * the server. Day predicates count Asia/Shanghai calendar days (see days.ts); ranges are inclusive at both ends
 * and need at least one bound. Order windows are a fixed set of day counts (today included) so the bitmap index
 * can keep exact per-window aggregates.
 */

export const SEGMENT_RULE_LIMITS = {
  /** A predicate alone has depth 1; `all[any[not[p]]]` has depth 4. */
  maxDepth: 6,
  /** Groups and predicates together. */
  maxNodes: 64,
  /** Children of one group. */
  maxChildren: 32,
  /** Ids listed in one predicate (a region's stores). */
  maxIds: 1000,
  /** Ids listed in the whole rule (each is one SQL parameter). */
  maxTotalIds: 2000,
} as const;

export const ORDER_WINDOWS = [7, 30, 90, 180, 365] as const;
export type OrderWindowDays = (typeof ORDER_WINDOWS)[number];

const Id = z.number().int().positive().max(2_147_483_647);
const Ids = z.array(Id).min(1).max(SEGMENT_RULE_LIMITS.maxIds);
const Count = z.number().int().min(0).max(2_147_483_647);
/** Fen can exceed int32 in a lifetime window; stay within exact doubles. */
const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Window = z.literal(ORDER_WINDOWS);

/** An inclusive range: at least one bound, and min ≤ max when both are given. */
function ranged<S extends z.ZodRawShape>(shape: S, lo: string, hi: string) {
  return z
    .strictObject(shape)
    .refine((v) => (v as Record<string, unknown>)[lo] !== undefined || (v as Record<string, unknown>)[hi] !== undefined, { message: `${lo} or ${hi} is required` })
    .refine((v) => {
      const r = v as Record<string, number | undefined>;
      return r[lo] === undefined || r[hi] === undefined || r[lo]! <= r[hi]!;
    }, { message: `${lo} must not exceed ${hi}` });
}

function range<T extends string, X extends z.ZodRawShape = {}>(type: T, bound: z.ZodNumber, extra?: X) {
  return ranged({ type: z.literal(type), min: bound.optional(), max: bound.optional(), ...(extra ?? ({} as X)) }, 'min', 'max');
}

export const ZTagsPredicate = z.strictObject({ type: z.literal('tags'), match: z.enum(['any', 'all']), tagIds: Ids });
export const ZStoresPredicate = z.strictObject({ type: z.literal('stores'), storeIds: Ids });
export const ZClerksPredicate = z.strictObject({ type: z.literal('clerks'), staffIds: Ids });
export const ZMembershipPredicate = z.strictObject({ type: z.literal('membership'), value: z.enum(['member', 'fan']) });
export const ZConsentPredicate = z.strictObject({ type: z.literal('consent'), value: z.boolean() });
export const ZLevelPredicate = range('level', Count);
export const ZPointsPredicate = range('pointsBalance', Count);
/** `includeNever`: customers who never purchased/visited match too (e.g. "no purchase for 90+ days, or never"). */
export const ZDaysSinceLastPurchasePredicate = range('daysSinceLastPurchase', Count, { includeNever: z.boolean().optional() });
export const ZDaysSinceLastVisitPredicate = range('daysSinceLastVisit', Count, { includeNever: z.boolean().optional() });
/** Days since becoming a member; fans never match. */
export const ZMemberDaysPredicate = range('memberDays', Count);
/** Paid orders in the window (fully refunded ones do not count). */
export const ZOrderCountPredicate = range('orderCount', Count, { windowDays: Window });
/** Net spend in fen (paid minus refunded) of the orders in the window. */
export const ZSpendPredicate = ranged({ type: z.literal('spend'), windowDays: Window, minFen: Fen.optional(), maxFen: Fen.optional() }, 'minFen', 'maxFen');

export const ZSegmentPredicate = z.discriminatedUnion('type', [
  ZTagsPredicate,
  ZStoresPredicate,
  ZClerksPredicate,
  ZMembershipPredicate,
  ZConsentPredicate,
  ZLevelPredicate,
  ZPointsPredicate,
  ZDaysSinceLastPurchasePredicate,
  ZDaysSinceLastVisitPredicate,
  ZMemberDaysPredicate,
  ZOrderCountPredicate,
  ZSpendPredicate,
]);
export type SegmentPredicate = z.infer<typeof ZSegmentPredicate>;
export type SegmentPredicateType = SegmentPredicate['type'];

export type SegmentRule =
  | { type: 'all'; rules: SegmentRule[] }
  | { type: 'any'; rules: SegmentRule[] }
  | { type: 'not'; rule: SegmentRule }
  | SegmentPredicate;

const group = <T extends 'all' | 'any'>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    get rules(): z.ZodArray<z.ZodType<SegmentRule>> {
      return z.array(ZRuleNode).min(1).max(SEGMENT_RULE_LIMITS.maxChildren);
    },
  });
const ZNot = z.strictObject({
  type: z.literal('not'),
  get rule(): z.ZodType<SegmentRule> {
    return ZRuleNode;
  },
});
// Discriminated on `type`, so a mistake is reported for the one shape it names, not for every alternative.
const ZRuleNode: z.ZodType<SegmentRule> = z.discriminatedUnion('type', [group('all'), group('any'), ZNot, ...ZSegmentPredicate.options]);

/**
 * Depth and node count of a would-be rule, measured without recursion and giving up as soon as a limit is
 * passed, so hostile input (a 60 KB body nested 7,000 deep) costs little and never reaches the recursive parser.
 */
export function segmentRuleSize(input: unknown): { depth: number; nodes: number; tooLarge: boolean } {
  const stack: [unknown, number][] = [[input, 1]];
  let nodes = 0;
  let depth = 0;
  let ids = 0;
  while (stack.length) {
    const [node, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    if (nodes > SEGMENT_RULE_LIMITS.maxNodes || depth > SEGMENT_RULE_LIMITS.maxDepth) return { depth, nodes, tooLarge: true };
    if (!node || typeof node !== 'object') continue;
    const n = node as { type?: unknown; rules?: unknown; rule?: unknown; tagIds?: unknown; storeIds?: unknown; staffIds?: unknown };
    for (const list of [n.tagIds, n.storeIds, n.staffIds]) if (Array.isArray(list)) ids += list.length;
    if (ids > SEGMENT_RULE_LIMITS.maxTotalIds) return { depth, nodes, tooLarge: true };
    if ((n.type === 'all' || n.type === 'any') && Array.isArray(n.rules)) {
      if (n.rules.length > SEGMENT_RULE_LIMITS.maxChildren) return { depth, nodes: nodes + n.rules.length, tooLarge: true };
      for (const child of n.rules) stack.push([child, d + 1]);
    } else if (n.type === 'not' && n.rule !== undefined) stack.push([n.rule, d + 1]);
  }
  return { depth, nodes, tooLarge: false };
}

export const SEGMENT_RULE_TOO_LARGE_MESSAGE = `rule too large: at most depth ${SEGMENT_RULE_LIMITS.maxDepth}, ${SEGMENT_RULE_LIMITS.maxNodes} nodes, ${SEGMENT_RULE_LIMITS.maxChildren} children per group, ${SEGMENT_RULE_LIMITS.maxTotalIds} ids`;

/** A segment rule: bounded first (cheap, iterative), then parsed strictly. */
export const ZSegmentRule: z.ZodType<SegmentRule> = z
  .unknown()
  .superRefine((v, c) => {
    if (segmentRuleSize(v).tooLarge) c.addIssue({ code: 'custom', message: SEGMENT_RULE_TOO_LARGE_MESSAGE, params: { reason: 'SEGMENT_RULE_TOO_LARGE' }, abort: true });
  })
  .pipe(ZRuleNode);

/** Every tag, store and staff id a rule names (for reference checks), each list ascending and distinct. */
export function segmentRuleReferences(rule: SegmentRule): { tagIds: number[]; storeIds: number[]; staffIds: number[] } {
  const tags = new Set<number>();
  const stores = new Set<number>();
  const staff = new Set<number>();
  const walk = (r: SegmentRule): void => {
    if (r.type === 'all' || r.type === 'any') r.rules.forEach(walk);
    else if (r.type === 'not') walk(r.rule);
    else if (r.type === 'tags') r.tagIds.forEach((id) => tags.add(id));
    else if (r.type === 'stores') r.storeIds.forEach((id) => stores.add(id));
    else if (r.type === 'clerks') r.staffIds.forEach((id) => staff.add(id));
  };
  walk(rule);
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return { tagIds: sorted(tags), storeIds: sorted(stores), staffIds: sorted(staff) };
}
