import type { EntityManager } from 'typeorm';
import type { Dialect } from './db';

/**
 * Helpers for the few set-based paths that write raw, parameterised SQL (campaign fan-out, batch coupon issue):
 * at that volume TypeORM's per-row entity mapping costs more than the database does. Values are always bound
 * (`?`), never interpolated; table and column names come from code, never from input.
 */

/** `(?,?,…)` for an IN list of `ids.length` bound values. */
export const inList = (ids: readonly unknown[]) => `(${ids.map(() => '?').join(',')})`;

/** `(?,…,?),(?,…,?)`: `rows` tuples of `width` bound values, for a multi-row INSERT. */
export const tuples = (rows: number, width: number) => Array.from({ length: rows }, () => `(${Array(width).fill('?').join(',')})`).join(',');

/** A UTC instant as both dialects store `datetime(3)`: 'YYYY-MM-DD HH:MM:SS.mmm'. */
export const sqlTime = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs a write statement and returns its affected-row count (both dialects). */
export async function exec(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const res = await tx.queryRunner!.query(sql, params, true);
  return Number(res.affected ?? 0);
}

/**
 * Multi-row INSERT that skips rows clashing with a unique key (MySQL `INSERT IGNORE`, SQLite `INSERT OR IGNORE`),
 * 500 rows a statement; returns the number of rows inserted.
 */
export async function insertIgnore(tx: EntityManager, dialect: Dialect, table: string, columns: string[], rows: unknown[][]): Promise<number> {
  let inserted = 0;
  for (const part of chunks(rows, 500)) {
    const sql = `${dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE'} INTO ${table} (${columns.join(',')}) VALUES ${tuples(part.length, columns.length)}`;
    inserted += await exec(tx, sql, part.flat());
  }
  return inserted;
}
