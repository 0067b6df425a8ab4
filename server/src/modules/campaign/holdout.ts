/**
 * Deterministic holdout: a customer is held out of campaign C when a 32-bit mix of (C, customer) falls below
 * `percent`% of the range. The same pair always answers the same (a re-run snapshot splits identically, and a
 * report can recompute it), different campaigns split independently.
 */
export function isHeldOut(campaignId: number, customerId: number, percent: number): boolean {
  if (percent <= 0) return false;
  return holdoutBucket(campaignId, customerId) < percent * 100;
}

/** 0..9999, uniform: murmur3's 32-bit finaliser over the two ids. */
export function holdoutBucket(campaignId: number, customerId: number): number {
  let h = Math.imul(campaignId ^ 0x9e3779b9, 0x85ebca6b) ^ customerId;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10_000;
}
