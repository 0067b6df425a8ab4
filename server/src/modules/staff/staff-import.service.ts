import crypto from 'node:crypto';
import { promisify } from 'node:util';
import {
  STAFF_IMPORT_COLUMNS,
  STAFF_ROLE_WORDS,
  USERNAME_PATTERN,
  cell,
  type ImportRowError,
  type StaffImportKey,
  type StaffImportLogin,
  type StaffImportReport,
  type StaffRole,
} from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError, type Dialect } from '../../db/db';
import { chunks, exec, inList, sqlTime, tuples } from '../../db/raw-sql';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { randomCode } from '../../lib/crypto';
import { audit } from '../audit/audit';
import { forgetResolvedQrCodes } from '../qr-code/qr-code-cache';
import { checkLength, checkWidth, readImportFile, RowErrors, type ImportFile } from '../store/import-file';
import { generatePassword } from './staff-console.service';

type ImportRole = 'clerk' | 'store_manager';
interface StaffRow {
  line: number;
  storeCode: string;
  name: string;
  role: ImportRole;
  username: string | null;
}
interface ExistingStaff {
  id: number;
  storeId: number | null;
  role: StaffRole;
  name: string;
  status: string;
  username: string | null;
  hasPassword: boolean;
}
interface Create {
  row: StaffRow;
  storeId: number;
  inviteCode: string;
  login: boolean;
}
interface Update {
  row: StaffRow;
  id: number;
  name?: string;
  role?: ImportRole;
  username?: string;
  login: boolean;
}
interface Plan {
  creates: Create[];
  updates: Update[];
  unchanged: number;
  errors: ImportRowError[];
}

const label = Object.fromEntries(STAFF_IMPORT_COLUMNS.map((c) => [c.key, c.label])) as Record<StaffImportKey, string>;
const SLICE = 500;

/**
 * Imports clerks and store managers from CSV (admin). Columns 门店编码, 姓名, 角色 (导购/店长), 用户名 (optional).
 * Idempotent: a row with a username is the staff member with that username (or, the first time, the one of that
 * store and name who has none yet: the import gives them their username); a row without one is the active staff
 * member of that store with that name. A known person gets the file's name and role (a role change revokes their
 * sessions); an unknown one is created with an invite code for the clerk app. A store manager with a username gets
 * a console login: a generated one-time password, answered once per apply in `logins` and stored only as a hash.
 *
 * Invariants: a bad header refuses the file whole. Row errors (unknown or closed store, empty name, unknown role,
 * bad or repeated username, a person named twice, a username used by another store's or a former employee, two
 * active people of the same name in a store and no username to tell them apart) are reported per line and never
 * applied. Apply writes every valid row in ONE transaction with one audit row (no passwords in it). Set-based: one
 * SELECT per 500 store codes / usernames / stores, multi-row INSERTs and CASE UPDATEs.
 */
export async function importStaff(ctx: Ctx, actor: StaffActor, cmd: { csv: string; dryRun: boolean }): Promise<StaffImportReport> {
  const file = readImportFile(cmd.csv, STAFF_IMPORT_COLUMNS);
  const fileErrors = new RowErrors();
  const rows = validateRows(file, fileErrors);
  const report = (p: Plan, applied: boolean, logins: StaffImportLogin[]): StaffImportReport => ({
    dryRun: cmd.dryRun,
    total: file.rows.length,
    created: p.creates.length,
    updated: p.updates.length,
    unchanged: p.unchanged,
    errors: [...fileErrors.list, ...p.errors].sort((a, b) => a.line - b.line),
    applied,
    logins,
  });
  if (cmd.dryRun) return report(await ctx.db.read((em) => planImport(em, ctx.db.dialect, rows, '')), false, []);

  // New console logins get their password hashed before the transaction, for the rows a read-only plan says need
  // one; a row that comes to need one in between (a concurrent change) is hashed inside, which only costs time.
  const passwords = new Map<number, { password: string; hash: string }>();
  const prepare = (lines: number[]) =>
    Promise.all(
      lines
        .filter((line) => !passwords.has(line))
        .map(async (line) => {
          const password = generatePassword();
          passwords.set(line, { password, hash: await hashGeneratedPassword(password) });
        }),
    );
  const needLogin = (p: Plan) => [...p.creates, ...p.updates].filter((x) => x.login).map((x) => x.row.line);
  await prepare(needLogin(await ctx.db.read((em) => planImport(em, ctx.db.dialect, rows, ''))));

  const result = await ctx.db.transaction(async (tx) => {
    const p = await planImport(tx, ctx.db.dialect, rows, ctx.db.lockSuffix);
    await prepare(needLogin(p));
    const now = sqlTime(ctx.clock.now());
    try {
      for (const part of chunks(p.creates, SLICE)) {
        await exec(
          tx,
          `INSERT INTO staff (store_id, role, name, status, username, password_hash, invite_code, token_version, created_at, updated_at) VALUES ${tuples(part.length, 10)}`,
          part.flatMap((c) => [c.storeId, c.row.role, c.row.name, 'active', c.row.username, c.login ? passwords.get(c.row.line)!.hash : null, c.inviteCode, 0, now, now]),
        );
      }
      for (const part of chunks(p.updates, SLICE)) await updateSlice(tx, part, passwords, now);
    } catch (err) {
      // A username taken by a concurrent change since the read: nothing of this file is applied.
      if (isDuplicateKeyError(err)) throw new AppError('USERNAME_TAKEN', 'A username was taken meanwhile; run the import again');
      throw err;
    }
    const logins: StaffImportLogin[] = [...p.creates, ...p.updates]
      .filter((x) => x.login)
      .map((x) => ({ line: x.row.line, storeCode: x.row.storeCode, name: x.row.name, username: x.row.username!, initialPassword: passwords.get(x.row.line)!.password }))
      .sort((a, b) => a.line - b.line);
    const r = report(p, true, logins);
    await audit(tx, actor, {
      action: 'staff.import',
      targetType: 'staff',
      summary: `导入员工：新增 ${r.created}，更新 ${r.updated}，未变 ${r.unchanged}，错误 ${r.errors.length} 行，开通后台登录 ${logins.length} 个`,
      details: { total: r.total, created: r.created, updated: r.updated, unchanged: r.unchanged, errorRows: r.errors.length, logins: logins.map((l) => l.username) },
    });
    return r;
  });
  if (result.updated > 0) forgetResolvedQrCodes(ctx.db); // clerk names and roles shown at scan time
  return result;
}

function validateRows(file: ImportFile<StaffImportKey>, errors: RowErrors): StaffRow[] {
  const seenUsername = new Map<string, number>();
  const seenName = new Map<string, number>();
  const out: StaffRow[] = [];
  for (const rec of file.rows) {
    const { line } = rec;
    if (!checkWidth(rec, file.headerWidth, errors)) continue;
    const get = (k: StaffImportKey) => cell(rec, file.match, k);
    const storeCode = get('storeCode');
    const name = get('name');
    const roleText = get('role');
    const username = get('username');
    let ok = true;
    const fail = (column: string, code: Parameters<RowErrors['add']>[2], message: string) => {
      errors.add(line, column, code, message);
      ok = false;
    };
    if (storeCode === '') fail(label.storeCode, 'REQUIRED', '门店编码不能为空');
    if (name === '') fail(label.name, 'REQUIRED', '姓名不能为空');
    else if (!checkLength(line, label.name, name, 64, errors)) ok = false;
    const role = STAFF_ROLE_WORDS[roleText.toLowerCase()];
    if (roleText === '') fail(label.role, 'REQUIRED', '角色不能为空：填 导购 或 店长');
    else if (!role) fail(label.role, 'INVALID_VALUE', `角色“${roleText.slice(0, 20)}”无法识别：填 导购 或 店长`);
    if (username !== '') {
      if (!USERNAME_PATTERN.test(username)) fail(label.username, 'INVALID_FORMAT', `用户名“${username.slice(0, 40)}”格式不正确：3–64 位字母、数字、点、- 或 _`);
      else {
        const first = seenUsername.get(username.toLowerCase());
        if (first !== undefined) fail(label.username, 'DUPLICATE_IN_FILE', `用户名 ${username} 与第 ${first} 行重复`);
        else seenUsername.set(username.toLowerCase(), line);
      }
    } else if (storeCode !== '' && name !== '') {
      const key = `${storeCode.toUpperCase()}\u0000${name}`;
      const first = seenName.get(key);
      if (first !== undefined) fail(label.name, 'DUPLICATE_IN_FILE', `与第 ${first} 行是同一门店的同名员工；同名的两人请填写用户名区分`);
      else seenName.set(key, line);
    }
    if (ok) out.push({ line, storeCode, name, role: role!, username: username || null });
  }
  return out;
}

/** Reads the stores, usernames and store staff the file names, and decides create / update / unchanged per row. */
async function planImport(em: EntityManager, dialect: Dialect, rows: StaffRow[], lockSuffix: string): Promise<Plan> {
  const nocase = (col: string) => (dialect === 'sqlite' ? `${col} COLLATE NOCASE` : col);
  const stores = new Map<string, { id: number; code: string; status: string }>();
  for (const part of chunks([...new Set(rows.map((r) => r.storeCode.toUpperCase()))], SLICE)) {
    const found: { id: number; code: string; status: string }[] = await em.query(`SELECT id, code, status FROM store WHERE ${nocase('code')} IN ${inList(part)}`, part);
    for (const s of found) stores.set(s.code.toUpperCase(), { ...s, id: Number(s.id) });
  }
  const cols = 'id, store_id AS storeId, role, name, status, username, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS hasPassword';
  const hydrate = (s: ExistingStaff): ExistingStaff => ({ ...s, id: Number(s.id), storeId: s.storeId === null ? null : Number(s.storeId), hasPassword: Number(s.hasPassword) === 1 });
  const byUsername = new Map<string, ExistingStaff>();
  for (const part of chunks(rows.filter((r) => r.username).map((r) => r.username!), SLICE)) {
    const found: ExistingStaff[] = await em.query(`SELECT ${cols} FROM staff WHERE ${nocase('username')} IN ${inList(part)}${lockSuffix}`, part);
    for (const s of found) byUsername.set(s.username!.toLowerCase(), hydrate(s));
  }
  const byStoreName = new Map<string, ExistingStaff[]>();
  const storeIds = [...new Set([...stores.values()].map((s) => s.id))];
  for (const part of chunks(storeIds, SLICE)) {
    const found: ExistingStaff[] = await em.query(
      `SELECT ${cols} FROM staff WHERE store_id IN ${inList(part)} AND status = 'active' AND role IN ('clerk', 'store_manager')${lockSuffix}`,
      part,
    );
    for (const raw of found) {
      const s = hydrate(raw);
      const key = `${s.storeId}\u0000${s.name}`;
      byStoreName.set(key, [...(byStoreName.get(key) ?? []), s]);
    }
  }

  const plan: Plan = { creates: [], updates: [], unchanged: 0, errors: [] };
  const claimed = new Map<number, number>(); // staff id → the line that matched it
  const error = (row: StaffRow, column: string, code: ImportRowError['code'], message: string) => plan.errors.push({ line: row.line, column, code, message });
  for (const row of rows) {
    const store = stores.get(row.storeCode.toUpperCase());
    if (!store) {
      error(row, label.storeCode, 'UNKNOWN_STORE', `门店编码 ${row.storeCode} 不存在，请先导入门店`);
      continue;
    }
    if (store.status !== 'active') {
      error(row, label.storeCode, 'STORE_INACTIVE', `门店 ${store.code} 已停业`);
      continue;
    }
    const sameName = (byStoreName.get(`${store.id}\u0000${row.name}`) ?? []).filter((s) => !row.username || s.username === null);
    let match: ExistingStaff | undefined;
    if (row.username) {
      const owner = byUsername.get(row.username.toLowerCase());
      if (owner && (owner.status !== 'active' || owner.storeId !== store.id || (owner.role !== 'clerk' && owner.role !== 'store_manager'))) {
        error(row, label.username, 'USERNAME_TAKEN', `用户名 ${row.username} 已被${owner.status !== 'active' ? '离职员工' : '其他门店或后台账号'}使用`);
        continue;
      }
      match = owner;
    }
    if (!match) {
      if (sameName.length > 1) {
        error(row, label.name, 'AMBIGUOUS_NAME', `门店 ${store.code} 有 ${sameName.length} 名在职员工叫“${row.name}”，请填写用户名区分`);
        continue;
      }
      match = sameName[0];
    }
    if (match) {
      const first = claimed.get(match.id);
      if (first !== undefined) {
        error(row, label.name, 'DUPLICATE_IN_FILE', `与第 ${first} 行是同一名员工`);
        continue;
      }
      claimed.set(match.id, row.line);
      const u: Update = { row, id: match.id, login: false };
      if (match.name !== row.name) u.name = row.name;
      if (match.role !== row.role) u.role = row.role;
      if (row.username && match.username === null) u.username = row.username;
      // A manager named with a username who has no password yet gets their console login now.
      u.login = row.role === 'store_manager' && row.username !== null && !match.hasPassword;
      if (u.name !== undefined || u.role !== undefined || u.username !== undefined || u.login) plan.updates.push(u);
      else plan.unchanged++;
    } else {
      plan.creates.push({ row, storeId: store.id, inviteCode: randomCode(10), login: row.role === 'store_manager' && !!row.username });
    }
  }
  return plan;
}

/**
 * One UPDATE for up to 500 staff: each column by `CASE id WHEN ? THEN ? … ELSE <column> END` over the rows that
 * change it; a role change bumps tokenVersion (their sessions end, as on any role change).
 */
async function updateSlice(tx: EntityManager, part: Update[], passwords: Map<number, { hash: string }>, now: string): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [];
  const column = (col: string, pairs: [number, unknown][], expr = (v: string) => v) => {
    if (pairs.length === 0) return;
    sets.push(`${col} = CASE id ${pairs.map(() => `WHEN ? THEN ${expr('?')}`).join(' ')} ELSE ${col} END`);
    params.push(...pairs.flat());
  };
  column('name', part.filter((u) => u.name !== undefined).map((u) => [u.id, u.name]));
  column('role', part.filter((u) => u.role !== undefined).map((u) => [u.id, u.role]));
  column('username', part.filter((u) => u.username !== undefined).map((u) => [u.id, u.username]));
  column('password_hash', part.filter((u) => u.login).map((u) => [u.id, passwords.get(u.row.line)!.hash]));
  column('token_version', part.filter((u) => u.role !== undefined).map((u) => [u.id, 1]), (v) => `token_version + ${v}`);
  const affected = await exec(tx, `UPDATE staff SET ${sets.join(', ')}, updated_at = ? WHERE id IN ${inList(part)}`, [...params, now, ...part.map((u) => u.id)]);
  if (affected !== part.length) throw new Error(`staff import: ${affected} of ${part.length} staff updated`);
}

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const GENERATED = { N: 256, r: 8, p: 1 };

/**
 * The hash of a GENERATED password for bulk logins, in lib/password's format (`scrypt$N$r$p$salt$hash`, which
 * verifyPassword reads its parameters from) with a lighter cost: key stretching protects guessable human
 * passwords, while a generated ~80-bit one is out of reach of any offline search anyway, and the full cost
 * (~50 ms) would make a 1,300-manager import take a minute (at N = 256: ~1 ms each). A password a person chooses always gets the full cost.
 */
export async function hashGeneratedPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32, { ...GENERATED, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', GENERATED.N, GENERATED.r, GENERATED.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}
