import type { StaffSessionResponse, StaffView, TAdminSessionBody, TClerkBindBody, TClerkSessionBody, TCreateStaffBody, StaffRole } from '@o2o/shared';
import { In, type EntityManager } from 'typeorm';
import { audit } from '../audit/audit';
import type { Ctx } from '../../context';
import { isDuplicateKeyError } from '../../db/db';
import { AppError } from '../../lib/app-error';
import { forgetResolvedQrCodes } from '../qr-code/qr-code-cache';
import { randomCode } from '../../lib/crypto';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../lib/password';
import type { StaffActor } from '../../http/policy';
import { exchangeLoginCode } from '../auth/wechat-identity';
import { Store } from '../store/store.entity';
import { Staff } from './staff.entity';
import { INVITE_BY_ADDRESS, INVITE_BY_IDENTITY, STAFF_LOGIN_BY_ADDRESS, STAFF_LOGIN_BY_USER, withAttempts } from '../auth/attempt-limit';

const STORE_ROLES: StaffRole[] = ['clerk', 'store_manager'];
/** Who may sign in to the brand console (a store manager sees their store only). */
export const CONSOLE_LOGIN_ROLES: readonly StaffRole[] = ['store_manager', 'marketer', 'admin'];

export function staffView(s: Staff): StaffView {
  return { id: s.id, name: s.name, role: s.role, status: s.status, storeId: s.storeId, username: s.username, wechatBound: s.openid !== null };
}

function issueStaffToken(ctx: Ctx, s: Staff): StaffSessionResponse {
  const { token, expiresAt } = ctx.tokens.issue({ aud: 'staff', sub: s.id, ver: s.tokenVersion }, ctx.config.rules.staffSessionTtlHours * 3600, ctx.clock.now());
  return { token, expiresAt: expiresAt.toISOString(), staff: staffView(s) };
}

/**
 * Creates a staff member. Store roles get a one-time invite code for binding their WeChat; console roles (and store
 * managers who should use the console) a username and password. A clerk never gets a password: the console is not
 * theirs. `actor` is the console user (audited); the seed and fixtures create without one.
 */
export async function createStaff(ctx: Ctx, cmd: TCreateStaffBody, actor: StaffActor | null = null): Promise<{ staff: StaffView; inviteCode: string | null }> {
  if (cmd.role === 'clerk' && cmd.password) throw new AppError('CONSOLE_LOGIN_NOT_ALLOWED');
  const passwordHash = cmd.password ? await hashPassword(cmd.password) : null;
  const storeRole = STORE_ROLES.includes(cmd.role as StaffRole);
  const inviteCode = storeRole ? randomCode(10) : null;
  const staff = await ctx.db.transaction(async (tx) => {
    if (cmd.storeId !== undefined) {
      const store = await tx.getRepository(Store).findOneBy({ id: cmd.storeId });
      if (!store) throw new AppError('NOT_FOUND', 'Store not found');
      if (store.status !== 'active') throw new AppError('STORE_INACTIVE');
    }
    let saved: Staff;
    try {
      const repo = tx.getRepository(Staff);
      saved = await repo.save(
        repo.create({ name: cmd.name, role: cmd.role as StaffRole, storeId: cmd.storeId ?? null, username: cmd.username ?? null, passwordHash, inviteCode, status: 'active', tokenVersion: 0 }),
      );
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('USERNAME_TAKEN');
      throw err;
    }
    if (actor)
      await audit(tx, actor, {
        action: 'staff.create',
        targetType: 'staff',
        targetId: saved.id,
        storeId: saved.storeId,
        summary: `新建员工 ${saved.name}（${ROLE_ZH[saved.role]}）`,
        details: { role: saved.role, username: saved.username },
      });
    return saved;
  });
  return { staff: staffView(staff), inviteCode };
}

/**
 * Console login, for store managers, marketers and admins. Unknown users cost the same scrypt time as wrong
 * passwords (no username oracle), and a clerk who somehow has a password gets the very same answer.
 */
export async function adminLogin(ctx: Ctx, cmd: TAdminSessionBody, clientAddress: string): Promise<StaffSessionResponse> {
  // Throttled per typed username and per client address before any scrypt (attempt-limit.ts).
  const subjects = [
    { policy: STAFF_LOGIN_BY_USER, subject: cmd.username.toLowerCase(), label: cmd.username },
    { policy: STAFF_LOGIN_BY_ADDRESS, subject: clientAddress, label: maskAddress(clientAddress) },
  ];
  return withAttempts(
    ctx,
    subjects,
    async () => {
      const staff = await ctx.db.read((em) => em.getRepository(Staff).findOneBy({ username: cmd.username }));
      const ok = await verifyPassword(cmd.password, staff?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!staff || !ok || !CONSOLE_LOGIN_ROLES.includes(staff.role)) throw new AppError('INVALID_CREDENTIALS');
      if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
      return issueStaffToken(ctx, staff);
    },
    (err) => err instanceof AppError && err.code === 'INVALID_CREDENTIALS',
  );
}

/**
 * Binds a clerk's WeChat identity to their staff record with the one-time invite code.
 * Conditional update (invite matches, not yet bound, active): concurrent binds with one invite bind once.
 */
export async function bindClerk(ctx: Ctx, cmd: TClerkBindBody, clientAddress: string): Promise<StaffSessionResponse> {
  const wx = await exchangeLoginCode(ctx, cmd.code);
  // Invite codes are guessable in principle: throttled per WeChat identity and per client address.
  const subjects = [
    { policy: INVITE_BY_IDENTITY, subject: wx.openid, label: `openid …${wx.openid.slice(-4)}` },
    { policy: INVITE_BY_ADDRESS, subject: clientAddress, label: maskAddress(clientAddress) },
  ];
  const staff = await withAttempts(ctx, subjects, () => bindWithInvite(ctx, cmd, wx.openid), (err) => err instanceof AppError && err.code === 'INVITE_CODE_INVALID');
  return issueStaffToken(ctx, staff);
}

/** The invite's conditional update (invite matches, not yet bound, active): concurrent binds with one invite bind once. */
function bindWithInvite(ctx: Ctx, cmd: TClerkBindBody, openid: string): Promise<Staff> {
  return ctx.db.transaction(async (tx) => {
    let affected: number | undefined;
    try {
      const res = await tx
        .createQueryBuilder()
        .update(Staff)
        .set({ openid: openid, inviteCode: null })
        .where('invite_code = :invite AND openid IS NULL AND status = :active AND role IN (:...roles)', { invite: cmd.inviteCode, active: 'active', roles: STORE_ROLES })
        .execute();
      affected = res.affected;
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('WECHAT_ALREADY_BOUND_TO_STAFF');
      throw err;
    }
    if (affected !== 1) throw new AppError('INVITE_CODE_INVALID');
    return tx.getRepository(Staff).findOneByOrFail({ openid: openid });
  });
}

/** An address as an operator may see it in an alert: the network, not the host (1.2.3.x, 2001:db8:…). */
export function maskAddress(a: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/.exec(a);
  if (v4) return `${v4[1]}.x`;
  return a.includes(':') ? `${a.split(':').slice(0, 3).join(':')}:…` : 'unknown';
}

export async function clerkSession(ctx: Ctx, cmd: TClerkSessionBody): Promise<StaffSessionResponse> {
  const wx = await exchangeLoginCode(ctx, cmd.code);
  const staff = await ctx.db.read((em) => em.getRepository(Staff).findOneBy({ openid: wx.openid }));
  if (!staff) throw new AppError('STAFF_NOT_BOUND');
  if (staff.status !== 'active') throw new AppError('STAFF_INACTIVE');
  return issueStaffToken(ctx, staff);
}

/**
 * Marks a staff member as left: tokens revoked at once (tokenVersion), WeChat identity released, invite voided.
 * Their customers keep the binding until handed over; a new scan of another clerk rebinds them.
 * Store managers may only do this for clerks of their own store.
 */
export async function markStaffLeft(ctx: Ctx, actor: StaffActor, staffId: number): Promise<StaffView> {
  const view = await ctx.db.transaction(async (tx) => {
    const staff = await tx.getRepository(Staff).findOneBy({ id: staffId });
    if (!staff || (actor.role === 'store_manager' && (staff.storeId !== actor.storeId || staff.role !== 'clerk'))) throw new AppError('NOT_FOUND');
    if (staff.id === actor.staffId) throw new AppError('CONFLICT', 'You cannot mark yourself as left');
    await setLeft(ctx, tx, actor, staff);
    return staffView(await tx.getRepository(Staff).findOneByOrFail({ id: staffId }));
  });
  // Scans resolve codes through a short per-process cache: a clerk who left must stop taking customers now.
  forgetResolvedQrCodes(ctx.db);
  return view;
}

/**
 * The leaving write, inside the caller's transaction: active → left by a conditional update that also bumps
 * tokenVersion (every token dies at once), releases the WeChat identity and voids an unused invite. Already left:
 * nothing changes and nothing is audited (a retry). Returns whether this call made the change.
 * Callers forget resolved QR codes after commit (the clerk's code must stop binding customers to them).
 */
export async function setLeft(ctx: Ctx, tx: EntityManager, actor: StaffActor, staff: Staff, details: Record<string, unknown> = {}): Promise<boolean> {
  const res = await tx
    .createQueryBuilder()
    .update(Staff)
    .set({ status: 'left', leftAt: ctx.clock.now(), openid: null, inviteCode: null, tokenVersion: () => 'token_version + 1' })
    .where('id = :id AND status = :active', { id: staff.id, active: 'active' })
    .execute();
  if (res.affected !== 1) return false;
  await audit(tx, actor, { action: 'staff.leave', targetType: 'staff', targetId: staff.id, storeId: staff.storeId, summary: `员工离职：${staff.name}`, details });
  return true;
}

export const ROLE_ZH: Record<StaffRole, string> = { clerk: '导购', store_manager: '店长', marketer: '营销', admin: '管理员' };

export async function listStaff(ctx: Ctx, actor: StaffActor, storeId?: number): Promise<StaffView[]> {
  const scopeStore = actor.role === 'store_manager' ? actor.storeId : storeId;
  const rows = await ctx.db.read((em) =>
    em.getRepository(Staff).find({ where: scopeStore != null ? { storeId: scopeStore } : {}, order: { id: 'ASC' }, take: 500 }),
  );
  return rows.map(staffView);
}

/** Used by the `admin:create` command and the demo seed. Idempotent on username only in the sense of a clear error. */
export async function createConsoleAdmin(ctx: Ctx, username: string, password: string, name = 'Administrator'): Promise<StaffView> {
  const { staff } = await createStaff(ctx, { name, role: 'admin', username, password } as TCreateStaffBody);
  return staff;
}

export async function findStaffByIds(ctx: Ctx, ids: number[]): Promise<Staff[]> {
  return ids.length ? ctx.db.read((em) => em.getRepository(Staff).findBy({ id: In(ids) })) : [];
}
