/**
 * Who rings a sale up. The POS API and the clerk cashier call the same use cases (sale.service.ts) with one of
 * these; the channel is recorded on the order, and the idempotency key of a commit is per till:
 * `pos:<terminalId>:<receiptNo>` or `clerk:<storeId>:<receiptNo>` (see `saleKeyOf`).
 */
export type SaleActor =
  | { channel: 'pos'; storeId: number; terminalId: number; staffId: null }
  | { channel: 'clerk'; storeId: number; terminalId: null; staffId: number };

export const saleKeyOf = (actor: SaleActor, receiptNo: string): string =>
  actor.channel === 'pos' ? `pos:${actor.terminalId}:${receiptNo}` : `clerk:${actor.storeId}:${receiptNo}`;
