import type {
  InviteSheet,
  LeaveStaffResponse,
  MoveStaffResponse,
  PagedList,
  ResetPasswordResponse,
  StaffListItem,
  StaffRole,
  TLeaveStaffBody,
  TMoveStaffBody,
  TResetPasswordBody,
  TStaffListQuery,
} from '@o2o/shared';
import { In, type EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { inList } from '../../db/raw-sql';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { hashPassword } from '../../lib/password';
import { audit } from '../audit/audit';
import { pageOf } from '../audit/paged';
import { handoverCustomers } from '../customer/handover.service';
import { forgetResolvedQrCodes } from '../qr-code/qr-code-cache';
import { Store } from '../store/store.entity';
import { likeText } from '../store/store.service';
import { Staff } from './staff.entity';
import { CONSOLE_LOGIN_ROLES, ROLE_ZH, setLeft, staffView } from './staff.service';

const STORE_ROLES: readonly StaffRole[] = ['clerk', 'store_manager'];
const SORT_COLUMN = { name: 'st.name', createdAt: 'st.id' } as const;

/** A generated console password: 14 characters of a 52-letter alphabet without look-alikes (~80 bits). */
export const generatePassword = () => randomCode(14);

/**
 * The staff list of the console, offset-paged: a store manager sees their store's staff only (any storeId filter is
 * ignored), marketers and admins the brand. Filters store, role, status, and `q` (name or username contains).
 * Each row carries its store and how many customers it owns now (one grouped count for the page).
 */
export async function listStaffPage(ctx: Ctx, actor: StaffActor, q: TStaffListQuery): Promise<PagedList<StaffListItem>> {
  return ctx.db.read(async (em) => {
    const qb = em.getRepository(Staff).createQueryBuilder('st');
    const storeId = actor.role === 'store_manager' ? (actor.storeId ?? -1) : q.storeId;
    if (storeId !== undefined) qb.andWhere('st.store_id = :storeId', { storeId });
    if (q.role) qb.andWhere('st.role = :role', { role: q.role });
    if (q.status) qb.andWhere('st.status = :status', { status: q.status });
    if (q.q) qb.andWhere("(st.name LIKE :q ESCAPE '!' OR st.username LIKE :q ESCAPE '!')", { q: likeText(q.q) });
    const dir = q.order === 'ascend' ? 'ASC' : q.order === 'descend' ? 'DESC' : q.sort ? 'ASC' : 'DESC';
    qb.orderBy(SORT_COLUMN[q.sort ?? 'createdAt'], dir).addOrderBy('st.id', dir);
    const { rows, total, totalCapped } = await pageOf(em, qb, q.current, q.pageSize);
    const storeIds = [...new Set(rows.map((r) => r.storeId).filter((x): x is number => x !== null))];
    const stores = storeIds.length ? await em.getRepository(Store).findBy({ id: In(storeIds) }) : [];
    const counts = await customerCounts(em, rows.map((r) => r.id));
    const items = rows.map((r): StaffListItem => {
      const store = stores.find((s) => s.id === r.storeId);
      return {
        ...staffView(r),
        storeCode: store?.code ?? null,
        storeName: store?.name ?? null,
        customerCount: counts.get(r.id) ?? 0,
        consoleLogin: r.passwordHash !== null && r.username !== null && CONSOLE_LOGIN_ROLES.includes(r.role),
        createdAt: r.createdAt.toISOString(),
        leftAt: r.leftAt?.toISOString() ?? null,
      };
    });
    return totalCapped ? { items, total, totalCapped } : { items, total };
  });
}

/** Customers each staff member owns (专属导购) now: one grouped count over the binding's staff index. */
async function customerCounts(em: EntityManager, staffIds: number[]): Promise<Map<number, number>> {
  if (staffIds.length === 0) return new Map();
  const raw: { staffId: number | string; n: number | string }[] = await em.query(
    `SELECT staff_id AS staffId, COUNT(*) AS n FROM customer_clerk WHERE staff_id IN ${inList(staffIds)} GROUP BY staff_id`,
    staffIds,
  );
  return new Map(raw.map((r) => [Number(r.staffId), Number(r.n)]));
}

/**
 * Who receives a staff member's customers: the chosen one (a clerk or the manager of the same store, active, not
 * themselves) or, when none is chosen, the store's active manager. No receiver and customers to move →
 * HANDOVER_RECEIVER_REQUIRED. Reads in the caller's transaction, before anything is written: bad input changes nothing.
 */
async function receiverFor(em: EntityManager, staff: Staff, chosenId: number | undefined, owned: number): Promise<Staff | null> {
  if (chosenId !== undefined) {
    const to = await em.getRepository(Staff).findOneBy({ id: chosenId });
    if (!to || to.id === staff.id || to.storeId === null || to.storeId !== staff.storeId || !STORE_ROLES.includes(to.role))
      throw new AppError('HANDOVER_INVALID', 'The receiver must be another clerk or the manager of the same store');
    if (to.status !== 'active') throw new AppError('STAFF_INACTIVE', 'The receiver has left');
    return to;
  }
  const manager =
    staff.storeId === null
      ? null
      : await em.getRepository(Staff).findOne({ where: { storeId: staff.storeId, role: 'store_manager', status: 'active' }, order: { id: 'ASC' } });
  const fallback = manager && manager.id !== staff.id ? manager : null;
  if (!fallback && owned > 0) throw new AppError('HANDOVER_RECEIVER_REQUIRED');
  return fallback;
}

/** Customers a staff member owns now (in one store when given): what a handover would move. */
async function ownedCount(em: EntityManager, staffId: number, storeId?: number): Promise<number> {
  const sql = `SELECT COUNT(*) AS n FROM customer_clerk WHERE staff_id = ?${storeId === undefined ? '' : ' AND store_id = ?'}`;
  const rows: { n: number | string }[] = await em.query(sql, storeId === undefined ? [staffId] : [staffId, storeId]);
  return Number(rows[0].n);
}

/**
 * Marks a staff member as left and hands their customers over in the same request (admin: anyone of any store;
 * a store manager: clerks of their store — others are 404). The receiver is checked before anything is written.
 * Step 1, one transaction: active → left (tokens revoked at once, WeChat identity released), audited. Step 2: the
 * customers move by `handoverCustomers` (batches, conditional moves, each audited in clerk_assignment).
 * Retry-safe as a pair: a repeat finds the staff already left, changes nothing in step 1 and resumes the handover
 * (customers already moved are no longer theirs), so a request cut off between the steps is completed by sending
 * it again. After step 1 the clerk's code no longer binds anyone to them (other processes may keep their cached
 * view of the code for up to 5 s: a customer bound then is rebound by the next clerk scan, as owner left, or
 * handed over by sending the request again).
 */
export async function leaveWithHandover(ctx: Ctx, actor: StaffActor, staffId: number, cmd: TLeaveStaffBody): Promise<LeaveStaffResponse> {
  const { staff, receiver } = await ctx.db.transaction(async (tx) => {
    const staff = await ctx.db.forUpdate(tx.getRepository(Staff).createQueryBuilder('st').where('st.id = :id', { id: staffId })).getOne();
    if (!staff || (actor.role === 'store_manager' && (staff.storeId !== actor.storeId || staff.role !== 'clerk'))) throw new AppError('NOT_FOUND');
    if (staff.id === actor.staffId) throw new AppError('CONFLICT', 'You cannot mark yourself as left');
    const owned = staff.storeId === null ? 0 : await ownedCount(tx, staff.id);
    const receiver = staff.storeId === null ? null : await receiverFor(tx, staff, cmd.handoverToStaffId, owned);
    if (staff.storeId === null && cmd.handoverToStaffId !== undefined) throw new AppError('HANDOVER_INVALID', 'Only store staff own customers');
    await setLeft(ctx, tx, actor, staff, { handoverToStaffId: receiver?.id ?? null, customers: owned });
    return { staff, receiver };
  });
  forgetResolvedQrCodes(ctx.db);
  let handover: LeaveStaffResponse['handover'] = null;
  if (receiver) {
    const res = await handoverCustomers(ctx, actor, staff.id, receiver.id, '离职交接');
    handover = { toStaffId: receiver.id, moved: res.moved };
  }
  const view = staffView(await ctx.db.read((em) => em.getRepository(Staff).findOneByOrFail({ id: staffId })));
  return { staff: view, handover };
}

class CustomersArrived extends Error {}

/**
 * Moves a clerk or store manager to another active store (admin). Their tokens are revoked (the clerk app reloads
 * with the new store); their WeChat binding stays. Customers: see ZMoveStaffBody — handed over in the OLD store
 * (to the chosen receiver, else its manager) unless `keepCustomers`. Their old clerk code keeps working as a code of
 * the old store without a clerk (printed posters do not die); the clerk app gives them a code of the new store.
 *
 * Order: checks (nothing written on bad input) → handover in the old store → one transaction moving the staff row by
 * a conditional update (still active, still in the old store) that first checks no customer got bound to them in
 * between (a scan racing the handover: then the handover runs again, up to 3 rounds). Retry-safe: a repeat after
 * success finds them in the target store and answers the same without writing.
 */
export async function moveStaff(ctx: Ctx, actor: StaffActor, staffId: number, cmd: TMoveStaffBody): Promise<MoveStaffResponse> {
  for (let round = 1; ; round++) {
    const pre = await ctx.db.read(async (em) => {
      const staff = await em.getRepository(Staff).findOneBy({ id: staffId });
      if (!staff) throw new AppError('NOT_FOUND');
      if (!STORE_ROLES.includes(staff.role) || staff.storeId === null) throw new AppError('CONFLICT', 'Only clerks and store managers belong to a store');
      if (staff.storeId === cmd.storeId) return { staff, done: true as const };
      if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
      const [target, source] = await Promise.all([em.getRepository(Store).findOneBy({ id: cmd.storeId }), em.getRepository(Store).findOneBy({ id: staff.storeId })]);
      if (!target) throw new AppError('NOT_FOUND', 'Store not found');
      if (target.status !== 'active') throw new AppError('STORE_INACTIVE');
      const owned = await ownedCount(em, staff.id, staff.storeId);
      const receiver = cmd.keepCustomers ? null : await receiverFor(em, staff, cmd.handoverToStaffId, owned);
      return { staff, done: false as const, target, source, receiver, owned };
    });
    if (pre.done) return { staff: staffView(pre.staff), handover: null };
    const fromStoreId = pre.staff.storeId!;
    let moved = 0;
    if (pre.receiver) moved = (await handoverCustomers(ctx, actor, staffId, pre.receiver.id, '调店交接')).moved;
    try {
      const view = await ctx.db.transaction(async (tx) => {
        if (pre.receiver && (await ownedCount(tx, staffId, fromStoreId)) > 0) throw new CustomersArrived();
        const res = await tx
          .createQueryBuilder()
          .update(Staff)
          .set({ storeId: cmd.storeId, tokenVersion: () => 'token_version + 1' })
          .where('id = :id AND store_id = :from AND status = :active', { id: staffId, from: fromStoreId, active: 'active' })
          .execute();
        const after = await tx.getRepository(Staff).findOneByOrFail({ id: staffId });
        if (res.affected !== 1) {
          if (after.storeId === cmd.storeId) return staffView(after); // a concurrent duplicate of this request won
          throw new AppError('CONFLICT', 'The staff member changed meanwhile; reload and try again');
        }
        await audit(tx, actor, {
          action: 'staff.move',
          targetType: 'staff',
          targetId: staffId,
          storeId: cmd.storeId,
          summary: `员工调店：${after.name} 从 ${pre.source?.code ?? fromStoreId} ${pre.source?.name ?? ''} 调至 ${pre.target.code} ${pre.target.name}`,
          details: { fromStoreId, toStoreId: cmd.storeId, handoverToStaffId: pre.receiver?.id ?? null, moved, keptCustomers: cmd.keepCustomers ? pre.owned : 0 },
        });
        return staffView(after);
      });
      forgetResolvedQrCodes(ctx.db);
      return { staff: view, handover: pre.receiver ? { toStaffId: pre.receiver.id, moved } : null };
    } catch (err) {
      if (err instanceof CustomersArrived && round < 3) continue;
      if (err instanceof CustomersArrived) throw new AppError('RETRYABLE_DB_CONFLICT', 'Customers keep arriving; try again');
      throw err;
    }
  }
}

/**
 * Resets a console user's password (admin): a new one is generated, stored only as a scrypt hash, and answered once.
 * tokenVersion is bumped, so every session of that user ends now. A store manager without a username gets the
 * given `username` (their console login); a clerk never gets one (CONSOLE_LOGIN_NOT_ALLOWED).
 */
export async function resetPassword(ctx: Ctx, actor: StaffActor, staffId: number, cmd: TResetPasswordBody): Promise<ResetPasswordResponse> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const view = await ctx.db.transaction(async (tx) => {
    const repo = tx.getRepository(Staff);
    const staff = await repo.findOneBy({ id: staffId });
    if (!staff) throw new AppError('NOT_FOUND');
    if (!CONSOLE_LOGIN_ROLES.includes(staff.role)) throw new AppError('CONSOLE_LOGIN_NOT_ALLOWED');
    if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
    const username = cmd.username ?? staff.username;
    if (!username) throw new AppError('VALIDATION_FAILED', 'A username is needed for a first console login', [{ path: 'username', message: 'required', code: 'custom' }]);
    try {
      const res = await tx
        .createQueryBuilder()
        .update(Staff)
        .set({ username, passwordHash, tokenVersion: () => 'token_version + 1' })
        .where('id = :id AND status = :active', { id: staffId, active: 'active' })
        .execute();
      if (res.affected !== 1) throw new AppError('STAFF_INACTIVE');
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('USERNAME_TAKEN');
      throw err;
    }
    await audit(tx, actor, {
      action: 'staff.password_reset',
      targetType: 'staff',
      targetId: staffId,
      storeId: staff.storeId,
      summary: `重置登录密码：${staff.name}（${ROLE_ZH[staff.role]}）`,
      details: { username, usernameChanged: username !== staff.username },
    });
    return staffView(await repo.findOneByOrFail({ id: staffId }));
  });
  return { staff: view, password };
}

const INVITE_SHEET_LIMIT = 10_000;

/**
 * Unbound clerks and managers with their invite codes, grouped by store (ordered by store code), for printing.
 * Admin: every store or one; a store manager: their own store (another storeId gives an empty sheet).
 */
export async function inviteSheet(ctx: Ctx, actor: StaffActor, q: { storeId?: number }): Promise<InviteSheet> {
  const scope = actor.role === 'store_manager' ? (actor.storeId ?? -1) : undefined;
  if (scope !== undefined && q.storeId !== undefined && q.storeId !== scope) return { stores: [], total: 0, truncated: false };
  const storeId = scope ?? q.storeId;
  const rows: { id: number; name: string; role: StaffRole; inviteCode: string; storeId: number; storeCode: string; storeName: string }[] = await ctx.db.read((em) => {
    const qb = em
      .getRepository(Staff)
      .createQueryBuilder('st')
      .innerJoin(Store, 's', 's.id = st.store_id')
      .select(['st.id AS id', 'st.name AS name', 'st.role AS role', 'st.invite_code AS inviteCode', 'st.store_id AS storeId', 's.code AS storeCode', 's.name AS storeName'])
      .where("st.status = 'active' AND st.openid IS NULL AND st.invite_code IS NOT NULL AND st.role IN (:...roles)", { roles: STORE_ROLES })
      .orderBy('s.code', 'ASC')
      .addOrderBy('st.role', 'DESC') // store_manager before clerk
      .addOrderBy('st.id', 'ASC')
      .limit(INVITE_SHEET_LIMIT + 1);
    if (storeId !== undefined) qb.andWhere('st.store_id = :storeId', { storeId });
    return qb.getRawMany();
  });
  const truncated = rows.length > INVITE_SHEET_LIMIT;
  const stores: InviteSheet['stores'] = [];
  for (const r of rows.slice(0, INVITE_SHEET_LIMIT)) {
    let group = stores[stores.length - 1];
    if (!group || group.storeId !== Number(r.storeId)) stores.push((group = { storeId: Number(r.storeId), storeCode: r.storeCode, storeName: r.storeName, staff: [] }));
    group.staff.push({ id: Number(r.id), name: r.name, role: r.role, inviteCode: r.inviteCode });
  }
  return { stores, total: Math.min(rows.length, INVITE_SHEET_LIMIT), truncated };
}
