import { In, LessThan } from 'typeorm';
import type { PosTerminalView, TCreatePosTerminalBody } from '@o2o/shared';
import type { Ctx } from '../../context';
import type { StaffActor, TerminalActor } from '../../http/policy';
import { isDuplicateKeyError } from '../../db/db';
import { sqlTime } from '../../db/raw-sql';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { Store } from '../store/store.entity';
import { PosNonce } from './pos-nonce.entity';
import { PosTerminal } from './pos-terminal.entity';
import {
  POS_HEADER,
  POS_KEY_ID,
  POS_NONCE,
  POS_SIGNATURE,
  POS_TIMESTAMP,
  POS_WINDOW_S,
  canonicalString,
  deriveTerminalSecret,
  fingerprintOf,
  newKeyId,
  newSalt,
  secretHashOf,
  signatureMatches,
} from './pos-signature';

/**
 * POS terminal credentials (admin, audited) and the verification of a signed POS request. The secret is shown
 * once by `createPosTerminal` and never stored (see PosTerminal); each request re-derives it from the row, so a
 * revoked key is refused on its next request (no cache).
 */

export function posTerminalView(t: PosTerminal, storeName: string): PosTerminalView {
  return {
    id: t.id,
    keyId: t.keyId,
    storeId: t.storeId,
    storeName,
    name: t.name,
    secretFingerprint: fingerprintOf(t.secretHash),
    createdAt: t.createdAt.toISOString(),
    revokedAt: t.revokedAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}

/** A new terminal for a store: `{terminal, secret}`; the secret appears in this answer only (not in the audit row). */
export async function createPosTerminal(ctx: Ctx, actor: StaffActor, cmd: TCreatePosTerminalBody): Promise<{ terminal: PosTerminalView; secret: string }> {
  const keyId = newKeyId();
  const salt = newSalt();
  const secret = deriveTerminalSecret(ctx.config.secrets.posKeySecret, keyId, salt);
  const secretHash = secretHashOf(secret);
  const view = await ctx.db.transaction(async (tx) => {
    const store = await tx.getRepository(Store).findOne({ where: { id: cmd.storeId }, select: { id: true, name: true } });
    if (!store) throw new AppError('NOT_FOUND', 'Store not found');
    const repo = tx.getRepository(PosTerminal);
    const saved = await repo.save(repo.create({ keyId, storeId: store.id, name: cmd.name, salt, secretHash, createdBy: actor.staffId, revokedAt: null, revokedBy: null, lastUsedAt: null }));
    await audit(tx, actor, {
      action: 'pos_terminal.create',
      targetType: 'pos_terminal',
      targetId: saved.id,
      storeId: store.id,
      summary: `新建收银终端「${cmd.name}」（${store.name}，${keyId}）`,
      details: { keyId, name: cmd.name, storeId: store.id, secretFingerprint: fingerprintOf(secretHash) },
    });
    return posTerminalView(saved, store.name);
  });
  return { terminal: view, secret };
}

/** Every terminal (revoked ones too, newest first), optionally of one store. Never a secret. */
export async function listPosTerminals(ctx: Ctx, q: { storeId?: number }): Promise<{ items: PosTerminalView[] }> {
  return ctx.db.read(async (em) => {
    const rows = await em.getRepository(PosTerminal).find({ where: q.storeId ? { storeId: q.storeId } : {}, order: { id: 'DESC' }, take: 1000 });
    const ids = [...new Set(rows.map((t) => t.storeId))];
    const stores = ids.length ? await em.getRepository(Store).find({ where: { id: In(ids) }, select: { id: true, name: true } }) : [];
    const name = new Map(stores.map((s) => [s.id, s.name]));
    return { items: rows.map((t) => posTerminalView(t, name.get(t.storeId) ?? '')) };
  });
}

/** Revokes a terminal (one conditional update): its next request is POS_KEY_INVALID. A second revoke → POS_TERMINAL_REVOKED. */
export async function revokePosTerminal(ctx: Ctx, actor: StaffActor, id: number): Promise<{ terminal: PosTerminalView }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(PosTerminal);
    const res = await repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: now, revokedBy: actor.staffId })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    const t = await repo.findOneBy({ id });
    if (!t) throw new AppError('NOT_FOUND', 'POS terminal not found');
    if (!res.affected) throw new AppError('POS_TERMINAL_REVOKED');
    const store = await tx.getRepository(Store).findOne({ where: { id: t.storeId }, select: { id: true, name: true } });
    await audit(tx, actor, {
      action: 'pos_terminal.revoke',
      targetType: 'pos_terminal',
      targetId: t.id,
      storeId: t.storeId,
      summary: `停用收银终端「${t.name}」（${store?.name ?? t.storeId}，${t.keyId}）`,
      details: { keyId: t.keyId, name: t.name, storeId: t.storeId },
    });
    return { terminal: posTerminalView(t, store?.name ?? '') };
  });
}

export interface SignedRequest {
  method: string;
  /** The request target as received (path and query). */
  path: string;
  /** A header's value, '' when absent. */
  header: (name: string) => string;
  /** The body's bytes as received. */
  body: Buffer;
}

const TERMINAL_BY_KEY = 'SELECT id, store_id, key_id, salt, secret_hash, revoked_at, last_used_at FROM pos_terminal WHERE key_id = ?';
interface TerminalRow {
  id: number | string;
  store_id: number | string;
  key_id: string;
  salt: string;
  secret_hash: string;
  /** Date (MySQL) or 'YYYY-MM-DD HH:MM:SS.mmm' UTC text (SQLite). */
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

/** lastUsedAt is written at most once a minute per terminal (a conditional update, so also across processes). */
const LAST_USED_EVERY_MS = 60_000;

/**
 * Verifies a signed POS request and returns its terminal. Order (every refusal leaves no trace):
 *  1. the four headers present and well-formed, else POS_SIGNATURE_INVALID;
 *  2. the key known and not revoked (read each time: revocation is immediate), else POS_KEY_INVALID;
 *  3. |now − timestamp| ≤ 300 s, else POS_TIMESTAMP_SKEW;
 *  4. the HMAC matches (constant time), else POS_SIGNATURE_INVALID;
 *  5. X-Pos-Store-Id, when sent, names the terminal's store, else POS_STORE_MISMATCH (403);
 *  6. the nonce is new for this terminal (insert on the primary key), else POS_NONCE_REPLAYED.
 * The signature is checked before the nonce is recorded, so nobody without the secret can burn a till's nonces.
 * A nonce row outlives any timestamp that could replay it (see NONCE_KEEP_MS).
 */
export async function authenticateTerminal(ctx: Ctx, req: SignedRequest): Promise<TerminalActor> {
  const keyId = req.header(POS_HEADER.key);
  const timestamp = req.header(POS_HEADER.timestamp);
  const nonce = req.header(POS_HEADER.nonce);
  const signature = req.header(POS_HEADER.signature);
  if (!POS_KEY_ID.test(keyId) || !POS_TIMESTAMP.test(timestamp) || !POS_NONCE.test(nonce) || !POS_SIGNATURE.test(signature)) {
    throw new AppError('POS_SIGNATURE_INVALID', 'Missing or malformed X-Pos-Key, X-Pos-Timestamp, X-Pos-Nonce or X-Pos-Signature');
  }
  // Raw SQL on this path (every till request runs it): one primary-key read, one insert, no entity mapping.
  const [row] = (await ctx.db.read((em) => em.query(TERMINAL_BY_KEY, [keyId]))) as TerminalRow[];
  if (!row || row.revoked_at) throw new AppError('POS_KEY_INVALID');
  const t = { id: Number(row.id), storeId: Number(row.store_id), keyId: row.key_id };
  const now = ctx.clock.now();
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > POS_WINDOW_S) {
    throw new AppError('POS_TIMESTAMP_SKEW', undefined, { serverTime: Math.floor(now.getTime() / 1000) });
  }
  const secret = deriveTerminalSecret(ctx.config.secrets.posKeySecret, row.key_id, row.salt);
  if (secretHashOf(secret) !== row.secret_hash) {
    // POS_KEY_SECRET changed since this key was issued: every key of the brand is void until re-issued.
    ctx.log.error({ terminalId: t.id }, 'POS key does not derive from POS_KEY_SECRET (was the secret rotated?)');
    throw new AppError('POS_KEY_INVALID');
  }
  const canonical = canonicalString({ method: req.method, path: req.path, timestamp, nonce, body: req.body });
  if (!signatureMatches(secret, canonical, signature)) throw new AppError('POS_SIGNATURE_INVALID');
  const claimedStore = req.header(POS_HEADER.store);
  if (claimedStore !== '' && claimedStore !== String(t.storeId)) {
    throw new AppError('POS_STORE_MISMATCH', undefined, { terminalStoreId: t.storeId });
  }
  // One autocommit INSERT each (atomic on its own): a transaction around a single statement would add two round
  // trips to every till request. Db.read serializes it with the transactions on SQLite's one connection.
  try {
    await ctx.db.read((em) => em.query('INSERT INTO pos_nonce (terminal_id, nonce, seen_at) VALUES (?, ?, ?)', [t.id, nonce, sqlTime(now)]));
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new AppError('POS_NONCE_REPLAYED');
    throw err;
  }
  const lastUsed = row.last_used_at === null ? null : new Date(row.last_used_at instanceof Date ? row.last_used_at : `${row.last_used_at.replace(' ', 'T')}Z`);
  if (!lastUsed || now.getTime() - lastUsed.getTime() >= LAST_USED_EVERY_MS) {
    const before = new Date(now.getTime() - LAST_USED_EVERY_MS);
    await ctx.db.read((em) =>
      em
        .createQueryBuilder()
        .update(PosTerminal)
        .set({ lastUsedAt: now })
        .where('id = :id AND (last_used_at IS NULL OR last_used_at <= :before)', { id: t.id, before })
        .execute(),
    );
  }
  return { kind: 'terminal', terminalId: t.id, storeId: t.storeId, keyId: t.keyId };
}

/**
 * A nonce can be replayed only while its timestamp is within ±POS_WINDOW_S of the server clock, i.e. at most
 * 2 × POS_WINDOW_S after it was first seen; rows are kept 5 minutes beyond that (clock differences between
 * api processes), then purged.
 */
export const NONCE_KEEP_MS = (2 * POS_WINDOW_S + 300) * 1000;
const PURGE_BATCH = 5_000;

/** Deletes nonces older than NONCE_KEEP_MS (idx_pos_nonce_seen), in batches on MySQL. Returns the rows deleted. */
export async function purgePosNonces(ctx: Ctx): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - NONCE_KEEP_MS);
  if (ctx.db.dialect === 'sqlite') {
    const res = await ctx.db.transaction((tx) => tx.getRepository(PosNonce).delete({ seenAt: LessThan(before) }), { quiet: true });
    return res.affected ?? 0;
  }
  let total = 0;
  for (;;) {
    const res: { affectedRows?: number } = await ctx.db.transaction((tx) => tx.query('DELETE FROM pos_nonce WHERE seen_at < ? LIMIT ?', [before, PURGE_BATCH]), { quiet: true });
    const n = res.affectedRows ?? 0;
    total += n;
    if (n < PURGE_BATCH) return total;
  }
}
