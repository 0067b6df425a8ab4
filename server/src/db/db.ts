import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder, EntityTarget } from 'typeorm';
import { AppError } from '../lib/app-error';

export type Dialect = 'mysql' | 'sqlite';

/** FIFO async mutex: SQLite has one connection, so transactions must take turns (TypeORM would nest them). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** Marks a pooled MySQL connection whose session is already at READ COMMITTED. */
const READ_COMMITTED = Symbol('o2o.readCommitted');

const RETRYABLE_MYSQL = new Set([1213 /* deadlock */, 1205 /* lock wait timeout */, 1020 /* MariaDB record changed */]);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'ECONNRESET', 'ER_CON_COUNT_ERROR']);

function driverError(err: unknown): { errno?: number; code?: string; message?: string } {
  const e = err as { driverError?: object; errno?: number; code?: string; message?: string };
  return (e?.driverError as typeof e) ?? e ?? {};
}

export function isRetryableDbError(err: unknown): boolean {
  const e = driverError(err);
  return (e.errno !== undefined && RETRYABLE_MYSQL.has(e.errno)) || e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED';
}

export function isDuplicateKeyError(err: unknown): boolean {
  const e = driverError(err);
  return e.errno === 1062 || e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when the duplicate is on `mysqlKey` (MySQL names the key) or on these `sqliteColumns` (SQLite names columns). */
export function isDuplicateOn(err: unknown, mysqlKey: string, sqliteColumns: string): boolean {
  if (!isDuplicateKeyError(err)) return false;
  const msg = driverError(err).message ?? '';
  return msg.includes(`'${mysqlKey}'`) || msg.includes(`'${mysqlKey.split('.').pop()}'`) || msg.includes(sqliteColumns);
}

export function isCheckViolation(err: unknown): boolean {
  const e = driverError(err);
  return e.errno === 4025 || e.errno === 3819 || e.code === 'SQLITE_CONSTRAINT_CHECK';
}

export interface TransactionOptions {
  /** Attempts including the first; deadlocks and lock waits are retried with jitter. */
  maxAttempts?: number;
  /** Skip the commit listeners: for the outbox worker's own bookkeeping, which must not wake itself. */
  quiet?: boolean;
}

/**
 * The database handle use cases receive. `transaction` is the only way to write: one transaction per
 * use case, its EntityManager passed down explicitly, the whole function retried on deadlock/lock-wait.
 * Work inside must therefore have no external side effects: those go to the outbox.
 */
export class Db {
  readonly dialect: Dialect;
  private readonly sqliteLock = new Mutex();
  private readonly commitListeners = new Set<() => void>();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb' ? 'mysql' : 'sqlite';
  }

  async transaction<T>(work: (tx: EntityManager) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const maxAttempts = opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.serialize(() =>
          this.dialect === 'mysql' ? this.mysqlTransaction(work) : this.dataSource.transaction(work),
        );
        // Already committed: a failing listener must not turn success into an error for the caller.
        if (!opts.quiet) for (const listener of this.commitListeners) {
          try {
            listener();
          } catch {
            /* listeners are wake-ups; the outbox poll covers a missed one */
          }
        }
        return result;
      } catch (err) {
        if (isRetryableDbError(err)) {
          if (attempt >= maxAttempts) throw new AppError('RETRYABLE_DB_CONFLICT');
          await sleep(5 * 2 ** attempt + Math.random() * 20);
          continue;
        }
        throw translateInfraError(err);
      }
    }
  }

  /**
   * A MySQL transaction at READ COMMITTED. The isolation level is set once per pooled connection (a session
   * setting) instead of by a `SET TRANSACTION` before every transaction: on the hot paths each statement's
   * round trip is a measurable share of the work.
   */
  private async mysqlTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const qr = this.dataSource.createQueryRunner();
    try {
      const conn = (await qr.connect()) as { [READ_COMMITTED]?: boolean };
      if (!conn[READ_COMMITTED]) {
        await qr.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        conn[READ_COMMITTED] = true;
      }
      await qr.startTransaction();
      try {
        const result = await work(qr.manager);
        await qr.commitTransaction();
        return result;
      } catch (err) {
        if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
        throw err;
      }
    } finally {
      await qr.release();
    }
  }

  /** Reads outside a transaction (on SQLite they still wait their turn so they never see a half-done write). */
  async read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.serialize(() => work(this.dataSource.manager));
    } catch (err) {
      throw translateInfraError(err);
    }
  }

  /** Called after every committed transaction (the outbox worker wakes up on it). */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** `FOR UPDATE` where the database has row locks; SQLite transactions are already serialized. */
  forUpdate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
    return this.dialect === 'mysql' ? qb.setLock('pessimistic_write') : qb;
  }

  /** The same rule for raw SQL: `' FOR UPDATE'` to append to a SELECT on MySQL, nothing on SQLite. */
  get lockSuffix(): string {
    return this.dialect === 'mysql' ? ' FOR UPDATE' : '';
  }

  /** Inserts a row guarded by a unique key; false (and no change) when the key already exists. */
  async insertOnce<T extends ObjectLiteral>(tx: EntityManager, target: EntityTarget<T>, values: Partial<T>): Promise<boolean> {
    try {
      await tx.createQueryBuilder().insert().into(target).values(values as never).updateEntity(false).execute();
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Inserts one row (no read-back) and returns its auto-increment id. */
  async insertReturningId<T extends ObjectLiteral>(tx: EntityManager, target: EntityTarget<T>, values: Partial<T>): Promise<number> {
    const res = await tx.createQueryBuilder().insert().into(target).values(values as never).updateEntity(false).execute();
    // mysql2 reports { insertId }, better-sqlite3 the lastInsertRowid itself.
    const id = Number(typeof res.raw === 'object' && res.raw !== null ? (res.raw as { insertId: number }).insertId : res.raw);
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error('insert did not return an id');
    return id;
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    return this.dialect === 'sqlite' ? this.sqliteLock.run(fn) : fn();
  }
}

function translateInfraError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = driverError(err);
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return new AppError('DEPENDENCY_UNAVAILABLE', 'Database unavailable');
  return err;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
