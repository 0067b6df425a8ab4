import type { StaffRole } from '@o2o/shared';

/**
 * Every route declares who may call it; there is no default. The route table is walked by the
 * authorization test, which fails on any mounted route without a policy.
 */
export type Policy =
  | { kind: 'public'; why: string }
  | { kind: 'consumer' }
  | { kind: 'staff'; roles: readonly StaffRole[] }
  | { kind: 'signed-url' }
  /** A store till through the POS API: a per-terminal HMAC signature (modules/sale/pos-signature.ts), no token. */
  | { kind: 'pos' };

export const PUBLIC = (why: string): Policy => ({ kind: 'public', why });
export const CONSUMER: Policy = { kind: 'consumer' };
export const STAFF = (...roles: StaffRole[]): Policy => ({ kind: 'staff', roles });
export const SIGNED_URL: Policy = { kind: 'signed-url' };
export const POS_TERMINAL: Policy = { kind: 'pos' };

/** Authenticated caller, set by the auth middleware. */
export type Actor =
  | { kind: 'customer'; customerId: number }
  | { kind: 'staff'; staffId: number; role: StaffRole; storeId: number | null; name: string }
  /** A till: it sells for its terminal's store and no other. */
  | { kind: 'terminal'; terminalId: number; storeId: number; keyId: string };
export type StaffActor = Extract<Actor, { kind: 'staff' }>;
export type TerminalActor = Extract<Actor, { kind: 'terminal' }>;
