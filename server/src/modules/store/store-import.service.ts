import { STORE_CODE_PATTERN, STORE_IMPORT_COLUMNS, STORE_STATUS_WORDS, cell, type ImportReport, type StoreImportKey, type StoreStatus } from '@o2o/shared';
import type { EntityManager } from 'typeorm';
import type { Ctx } from '../../context';
import { isDuplicateKeyError, type Dialect } from '../../db/db';
import { chunks, exec, inList, sqlTime, tuples } from '../../db/raw-sql';
import type { StaffActor } from '../../http/policy';
import { AppError } from '../../lib/app-error';
import { audit } from '../audit/audit';
import { forgetResolvedQrCodes } from '../qr-code/qr-code-cache';
import { checkLength, checkWidth, readImportFile, RowErrors, type ImportFile } from './import-file';

/** A valid row of the file. `status` undefined: keep an existing store's, open a new one active. */
interface StoreRow {
  line: number;
  code: string;
  name: string;
  city: string | null;
  region: string | null;
  address: string | null;
  status: StoreStatus | undefined;
}
interface ExistingStore {
  id: number;
  code: string;
  name: string;
  city: string | null;
  region: string | null;
  address: string | null;
  status: StoreStatus;
}
type Fields = Pick<ExistingStore, 'name' | 'city' | 'region' | 'address' | 'status'>;

const label = Object.fromEntries(STORE_IMPORT_COLUMNS.map((c) => [c.key, c.label])) as Record<StoreImportKey, string>;
const SLICE = 500;

/**
 * Imports stores from CSV (admin), idempotent by store code (case-insensitive, as MariaDB compares it): a new code
 * creates a store, a known one gets the file's name/city/region/address (and status when given) — `updated` when
 * something differs, `unchanged` otherwise — so importing the same file twice changes nothing the second time.
 *
 * Invariants: a bad header refuses the file whole (400). Rows with errors (empty name, bad code, a code repeated
 * in the file — the first occurrence wins —, too long a value, unknown status) are reported with their line and
 * never applied. The dry run reads and reports only. Apply writes every valid row in ONE transaction with one
 * audit row carrying the counts: all or nothing. Set-based for a 1,300-store file: one SELECT per 500 codes,
 * multi-row INSERTs and `CASE` UPDATEs of 500 rows, no per-row round trip.
 */
export async function importStores(ctx: Ctx, actor: StaffActor, cmd: { csv: string; dryRun: boolean }): Promise<ImportReport> {
  const file = readImportFile(cmd.csv, STORE_IMPORT_COLUMNS);
  const errors = new RowErrors();
  const rows = validateRows(file, errors);
  const plan = async (em: EntityManager, lock: boolean) => planImport(em, ctx.db.dialect, rows, lock ? ctx.db.lockSuffix : '');
  const report = (p: Plan, applied: boolean): ImportReport => ({
    dryRun: cmd.dryRun,
    total: file.rows.length,
    created: p.creates.length,
    updated: p.updates.length,
    unchanged: p.unchanged,
    errors: errors.sorted(),
    applied,
  });
  if (cmd.dryRun) return report(await ctx.db.read((em) => plan(em, false)), false);

  const done = await ctx.db.transaction(async (tx) => {
    const p = await plan(tx, true);
    const now = sqlTime(ctx.clock.now());
    try {
      for (const part of chunks(p.creates, SLICE)) {
        await exec(
          tx,
          `INSERT INTO store (code, name, city, region, address, status, created_at, updated_at) VALUES ${tuples(part.length, 8)}`,
          part.flatMap((r) => [r.code, r.name, r.city, r.region, r.address, r.status ?? 'active', now, now]),
        );
      }
    } catch (err) {
      // Another import or a create took one of these codes since the read: nothing of this file is applied.
      if (isDuplicateKeyError(err)) throw new AppError('STORE_CODE_TAKEN', 'A store code was taken meanwhile; run the import again');
      throw err;
    }
    for (const part of chunks(p.updates, SLICE)) await updateSlice(tx, part, now);
    const r = report(p, true);
    await audit(tx, actor, {
      action: 'store.import',
      targetType: 'store',
      summary: `导入门店：新增 ${r.created}，更新 ${r.updated}，未变 ${r.unchanged}，错误 ${r.errors.length} 行`,
      details: { total: r.total, created: r.created, updated: r.updated, unchanged: r.unchanged, errorRows: r.errors.length },
    });
    return r;
  });
  if (done.updated > 0) forgetResolvedQrCodes(ctx.db); // names shown at scan time may have changed
  return done;
}

function validateRows(file: ImportFile<StoreImportKey>, errors: RowErrors): StoreRow[] {
  const firstLineOf = new Map<string, number>();
  const out: StoreRow[] = [];
  for (const rec of file.rows) {
    const { line } = rec;
    if (!checkWidth(rec, file.headerWidth, errors)) continue;
    const get = (k: keyof typeof label) => cell(rec, file.match, k);
    const code = get('code');
    const name = get('name');
    let ok = true;
    if (code === '') ok = fail(errors, line, label.code, 'REQUIRED', '门店编码不能为空');
    else if (!STORE_CODE_PATTERN.test(code)) ok = fail(errors, line, label.code, 'INVALID_FORMAT', `门店编码“${code.slice(0, 40)}”格式不正确：只能包含字母、数字、- 和 _，最长 32 位`);
    else {
      const first = firstLineOf.get(code.toUpperCase());
      if (first !== undefined) ok = fail(errors, line, label.code, 'DUPLICATE_IN_FILE', `门店编码 ${code} 与第 ${first} 行重复`);
      else firstLineOf.set(code.toUpperCase(), line);
    }
    if (name === '') ok = fail(errors, line, label.name, 'REQUIRED', '门店名称不能为空');
    else ok = checkLength(line, label.name, name, 64, errors) && ok;
    const city = get('city');
    const region = get('region');
    const address = get('address');
    ok = checkLength(line, label.city, city, 64, errors) && ok;
    ok = checkLength(line, label.region, region, 64, errors) && ok;
    ok = checkLength(line, label.address, address, 200, errors) && ok;
    const statusText = get('status');
    const status = statusText === '' ? undefined : STORE_STATUS_WORDS[statusText.toLowerCase()];
    if (statusText !== '' && !status) ok = fail(errors, line, label.status, 'INVALID_VALUE', `状态“${statusText.slice(0, 20)}”无法识别：填 营业 或 停业`);
    if (ok) out.push({ line, code, name, city: city || null, region: region || null, address: address || null, status });
  }
  return out;
}

function fail(errors: RowErrors, line: number, column: string, code: Parameters<RowErrors['add']>[2], message: string): false {
  errors.add(line, column, code, message);
  return false;
}

interface Plan {
  creates: StoreRow[];
  updates: { id: number; next: Fields }[];
  unchanged: number;
}

/** Reads the stores the file names (one SELECT per 500 codes) and decides create / update / unchanged per row. */
async function planImport(em: EntityManager, dialect: Dialect, rows: StoreRow[], lockSuffix: string): Promise<Plan> {
  const existing = new Map<string, ExistingStore>();
  // MariaDB's collation compares codes case-insensitively; SQLite is told to, so both dialects agree.
  const codeCol = dialect === 'sqlite' ? 'code COLLATE NOCASE' : 'code';
  for (const part of chunks(rows, SLICE)) {
    const found: ExistingStore[] = await em.query(
      `SELECT id, code, name, city, region, address, status FROM store WHERE ${codeCol} IN ${inList(part)}${lockSuffix}`,
      part.map((r) => r.code),
    );
    for (const s of found) existing.set(s.code.toUpperCase(), { ...s, id: Number(s.id) });
  }
  const plan: Plan = { creates: [], updates: [], unchanged: 0 };
  for (const row of rows) {
    const cur = existing.get(row.code.toUpperCase());
    if (!cur) {
      plan.creates.push(row);
      continue;
    }
    const next: Fields = { name: row.name, city: row.city, region: row.region, address: row.address, status: row.status ?? cur.status };
    const same = next.name === cur.name && next.city === cur.city && next.region === cur.region && next.address === cur.address && next.status === cur.status;
    if (same) plan.unchanged++;
    else plan.updates.push({ id: cur.id, next });
  }
  return plan;
}

/** One UPDATE for up to 500 stores: each column set by `CASE id WHEN ? THEN ? … END` (values bound, never interpolated). */
async function updateSlice(tx: EntityManager, part: { id: number; next: Fields }[], now: string): Promise<void> {
  const cols = ['name', 'city', 'region', 'address', 'status'] as const;
  const sets = cols.map((c) => `${c} = CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`);
  const params = cols.flatMap((c) => part.flatMap((u) => [u.id, u.next[c]]));
  const affected = await exec(tx, `UPDATE store SET ${sets.join(', ')}, updated_at = ? WHERE id IN ${inList(part)}`, [...params, now, ...part.map((u) => u.id)]);
  if (affected !== part.length) throw new Error(`store import: ${affected} of ${part.length} stores updated`);
}
