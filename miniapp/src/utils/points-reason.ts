/** How each ledger reason reads to the member: the shared words (the console uses the same). */
export { pointsReasonLabel } from '@o2o/shared';
