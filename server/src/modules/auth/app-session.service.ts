import { parseScene, type AppSessionResponse, type CustomerView, type TAppSessionBody } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { Customer } from '../customer/customer.entity';
import { loadCustomerView } from '../customer/customer-view';
import { recordScan, type ScanOutcome } from '../customer/scan.service';
import { resolveQrCode, type ResolvedQrCode } from '../qr-code/qr-code.service';
import { exchangeLoginCode } from './wechat-identity';

/**
 * Scan → fan. Exchanges the wx.login code, upserts the customer by openid, and when the scene carries one
 * of our active codes records the scan (tags in force, home store, clerk binding). Returns a consumer token.
 *
 * Unknown, malformed or over-long scenes only lose attribution: the visitor is still a fan, no error.
 * Idempotent: a repeated code/scene inside one visit window changes nothing; the same openid is one customer.
 * session_key is stored encrypted and never returned.
 *
 * This is the hottest write path (every open of the mini-program), so it counts statements: the code's
 * resolution is cached for a few seconds, the customer is upserted in one or two, and a new fan's view
 * is built from what the transaction just wrote instead of being read back.
 */
export async function createAppSession(ctx: Ctx, cmd: TAppSessionBody): Promise<AppSessionResponse> {
  const wx = await exchangeLoginCode(ctx, cmd.code);
  const qrCode = parseScene(cmd.scene);
  const now = ctx.clock.now();
  const sessionKeyEnc = ctx.pii.encrypt(wx.sessionKey);

  const { customerId, isNew, qr, scan } = await ctx.db.transaction(async (tx) => {
    const qr = qrCode ? await resolveQrCode(ctx.db, tx, qrCode, now) : null;
    const { id, isNew } = await upsertFan(ctx, tx, { openid: wx.openid, unionid: wx.unionid ?? null, sessionKeyEnc, now, scannedStoreId: qr?.storeId ?? null, scannedQrCodeId: qr?.id ?? null });
    const scan = qr ? await recordScan(ctx, tx, id, isNew, qr, now) : null;
    return { customerId: id, isNew, qr, scan };
  });
  // Read back after commit (the view's reads need no locks held), except for a new fan, whose whole view
  // follows from what was just inserted.
  const customer = isNew ? newFanView(customerId, qr, scan) : await ctx.db.read((em) => loadCustomerView(em, ctx.pii, customerId));
  const { token, expiresAt } = ctx.tokens.issue({ aud: 'app', sub: customer.id }, ctx.config.rules.sessionTtlHours * 3600, now);
  return { token, expiresAt: expiresAt.toISOString(), customer };
}

interface FanLogin {
  openid: string;
  unionid: string | null;
  sessionKeyEnc: string;
  now: Date;
  /** Store of the code scanned with this login, if it resolved: the home store and first scan time if still empty. */
  scannedStoreId: number | null;
  /** That code: a new fan's acquisition code (`first_qr_code_id`, per-code figures), set only by the insert. */
  scannedQrCodeId: number | null;
}

/**
 * Updates the customer with this openid, or creates the fan; the unique openid makes concurrent first
 * logins one row. Update first: most logins are returning fans, for whom that is the only statement on
 * MySQL (LAST_INSERT_ID(id) hands the row's id back with the update); a new fan costs the update that
 * matched nothing, then the insert.
 */
async function upsertFan(ctx: Ctx, tx: EntityManager, fan: FanLogin): Promise<{ id: number; isNew: boolean }> {
  const existing = await touchFan(ctx, tx, fan);
  if (existing !== null) return { id: existing, isNew: false };
  const scanned = fan.scannedStoreId !== null;
  const inserted = await insertFan(ctx, tx, {
    openid: fan.openid,
    unionid: fan.unionid,
    sessionKeyEnc: fan.sessionKeyEnc,
    lastVisitAt: fan.now,
    storeId: fan.scannedStoreId,
    firstScanAt: scanned ? fan.now : null,
    firstQrCodeId: fan.scannedQrCodeId,
    pointsBalance: 0,
    level: 0,
  });
  if (inserted !== null) return { id: inserted, isNew: true };
  // a concurrent first login of the same openid committed first: it is a returning fan now
  const id = await touchFan(ctx, tx, fan);
  if (id === null) throw new Error('customer: duplicate openid on insert, but no row to update');
  return { id, isNew: false };
}

/** The returning-fan update; the customer's id, or null when no customer has this openid. */
async function touchFan(ctx: Ctx, tx: EntityManager, fan: FanLogin): Promise<number | null> {
  const mysql = ctx.db.dialect === 'mysql';
  const update = tx
    .createQueryBuilder()
    .update(Customer)
    .set({
      // MySQL: makes the OK packet carry this row's id, which saves reading it back
      ...(mysql ? { id: () => 'LAST_INSERT_ID(id)' } : {}),
      sessionKeyEnc: fan.sessionKeyEnc,
      lastVisitAt: fan.now,
      unionid: () => 'COALESCE(unionid, :unionid)',
      ...(fan.scannedStoreId !== null ? { storeId: () => 'COALESCE(store_id, :storeId)', firstScanAt: () => 'COALESCE(first_scan_at, :now)' } : {}),
    })
    .where('openid = :openid')
    .setParameters({ openid: fan.openid, unionid: fan.unionid, storeId: fan.scannedStoreId, now: fan.now });
  if (mysql) {
    // the same SQL execute() would send; execute() keeps the affected count but drops the insertId
    const [sql, params] = update.getQueryAndParameters();
    const ok = (await tx.query(sql, params)) as { affectedRows: number; insertId: number };
    return ok.affectedRows === 1 ? Number(ok.insertId) : null;
  }
  if ((await update.execute()).affected !== 1) return null;
  const row = await tx.getRepository(Customer).findOneOrFail({ where: { openid: fan.openid }, select: { id: true } });
  return row.id;
}

/** Inserts the fan; its id, or null when the openid is taken (the transaction goes on, like Db.insertOnce). */
async function insertFan(ctx: Ctx, tx: EntityManager, values: Partial<Customer>): Promise<number | null> {
  try {
    return await ctx.db.insertReturningId(tx, Customer, values);
  } catch (err) {
    if (isDuplicateKeyError(err)) return null;
    throw err;
  }
}

/** What loadCustomerView would read for a fan created by this login: nothing but the defaults and the scan's attribution. */
function newFanView(id: number, qr: ResolvedQrCode | null, scan: ScanOutcome | null): CustomerView {
  const view: CustomerView = { id, isMember: false, level: 0, pointsBalance: 0, orderingStore: null };
  if (qr && scan?.clerkRule === 'first_touch' && qr.activeClerkId !== null) view.clerk = { id: qr.activeClerkId, name: qr.activeClerkName! };
  // the scan's store is both the home store and the store this fan orders from (recordScan set ordering_store_id)
  if (qr) view.store = view.orderingStore = { id: qr.storeId, name: qr.storeName };
  return view;
}
