/**
 * The points rule of refunds, pure, shared by settlement (`refund.service.ts`) and the console's refund preview,
 * so what the confirmation shows is what the refund then does.
 *
 * Cumulative on the order: after refunding R of P fen, floor(used·R/P) spent points have been returned and
 * floor(earned·R/P) earned points reversed (all of both once R = P). What one refund moves is the cumulative
 * figure minus what earlier refunds already moved, so duplicates and out-of-order settlements give exact totals.
 */
export interface RefundPointsBasis {
  payableFen: number;
  pointsUsed: number;
  pointsEarned: number;
  /** Already returned / reversed by earlier refunds of the order. */
  pointsUsedReturned: number;
  pointsEarnedReversed: number;
}

/** Points a refund moves once the order's refunded total becomes `refundedFenAfter`. */
export function refundPointsDue(o: RefundPointsBasis, refundedFenAfter: number): { toReturn: number; toReverse: number } {
  const share = (total: number) => (refundedFenAfter === o.payableFen ? total : Math.floor((total * refundedFenAfter) / o.payableFen));
  return {
    toReturn: Math.max(0, share(o.pointsUsed) - o.pointsUsedReturned),
    toReverse: Math.max(0, share(o.pointsEarned) - o.pointsEarnedReversed),
  };
}

/**
 * The reversal stops at a zero balance (taken after the spent points were returned): the rest is the shortfall,
 * recorded on the refund and alerted, never a negative balance.
 */
export function reversalWithin(toReverse: number, balanceAfterReturn: number): { reversed: number; unrecovered: number } {
  const reversed = Math.max(0, Math.min(toReverse, balanceAfterReturn));
  return { reversed, unrecovered: toReverse - reversed };
}
