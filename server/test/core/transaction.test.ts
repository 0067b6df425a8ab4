import crypto from 'node:crypto';
import { isDuplicateKeyError } from '../../src/db/db';
import { emit } from '../../src/events/outbox';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { AppError } from '../../src/lib/app-error';
import { Customer } from '../../src/modules/customer/customer.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import { postPoints } from '../../src/modules/points/points.service';
import { createHarness, dbTargets, describeEachDb, type Harness } from '../helpers/harness';

const uid = () => crypto.randomBytes(6).toString('hex');

async function newCustomer(h: Harness): Promise<number> {
  return h.deps.db.transaction(async (tx) => (await tx.getRepository(Customer).save({ openid: `o_tx_${uid()}` })).id);
}

const levelOf = async (h: Harness, id: number) => (await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id }))).level;

/** Resolves for everyone once `n` parties have arrived. */
function barrier(n: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return async () => {
    if (++arrived === n) open();
    await opened;
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const errnoOf = (err: unknown) => (err as { driverError?: { errno?: number } }).driverError?.errno;

describeEachDb('Db.transaction', (get) => {
  it('rolls back every write of the unit of work when it throws, and rethrows the same error', async () => {
    const h = get();
    const existing = await newCustomer(h);
    const commits = jest.fn();
    const off = h.deps.db.onCommit(commits);
    const openid = `o_tx_${uid()}`;
    const refId = `rb-${uid()}`;
    const boom = new Error('boom after writes');
    try {
      await expect(
        h.deps.db.transaction(async (tx) => {
          await tx.getRepository(Customer).save({ openid });
          await tx.update(Customer, { id: existing }, { level: 7 });
          await postPoints(h.deps.db, tx, { customerId: existing, delta: 50, reason: 'adjustment', refType: 'test', refId }, h.clock.now());
          await emit(tx, 'customer.became_member', { customerId: existing, storeId: null, staffId: null, at: h.clock.now().toISOString() }, h.clock.now());
          throw boom;
        }),
      ).rejects.toBe(boom);
    } finally {
      off();
    }
    expect(commits).not.toHaveBeenCalled();
    await h.deps.db.read(async (em) => {
      expect(await em.getRepository(Customer).findOneBy({ openid })).toBeNull();
      expect(await em.getRepository(Customer).findOneByOrFail({ id: existing })).toMatchObject({ level: 0, pointsBalance: 0 });
      expect(await em.getRepository(PointsLedger).findOneBy({ refId })).toBeNull();
      expect(await em.getRepository(OutboxEvent).countBy({ type: 'customer.became_member' })).toBe(0);
    });
  });

  it('passes an AppError through untouched and does not retry it', async () => {
    const h = get();
    let calls = 0;
    const err = new AppError('CONFLICT', 'domain says no');
    await expect(
      h.deps.db.transaction(async () => {
        calls++;
        throw err;
      }),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
  });

  it('does not retry a non-retryable database error (duplicate key) and surfaces it as such', async () => {
    const h = get();
    const openid = `o_tx_${uid()}`;
    await h.deps.db.transaction((tx) => tx.getRepository(Customer).insert({ openid }));
    let calls = 0;
    let caught: unknown;
    try {
      await h.deps.db.transaction(async (tx) => {
        calls++;
        await tx.getRepository(Customer).insert({ openid });
      });
    } catch (err) {
      caught = err;
    }
    expect(calls).toBe(1);
    expect(isDuplicateKeyError(caught)).toBe(true);
  });

  it('notifies commit listeners once per committed transaction', async () => {
    const h = get();
    const id = await newCustomer(h);
    const commits = jest.fn();
    const off = h.deps.db.onCommit(commits);
    await h.deps.db.transaction((tx) => tx.update(Customer, { id }, { level: 1 }));
    await h.deps.db.transaction((tx) => tx.update(Customer, { id }, { level: 2 }));
    off();
    await h.deps.db.transaction((tx) => tx.update(Customer, { id }, { level: 3 }));
    expect(commits).toHaveBeenCalledTimes(2);
  });

  it('30 concurrent read-modify-write transactions (read under forUpdate) lose no update and never collide', async () => {
    const h = get();
    const id = await newCustomer(h);
    const db = h.deps.db;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        db.transaction(async (tx) => {
          const c = await db
            .forUpdate(tx.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.level']).where('c.id = :id', { id }))
            .getOneOrFail();
          await new Promise((r) => setImmediate(r)); // yield: other transactions get every chance to interleave
          await tx.update(Customer, { id }, { level: c.level + 1 });
        }),
      ),
    );
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(rejected).toEqual([]); // on SQLite: no "cannot start a transaction within a transaction"
    expect(await levelOf(h, id)).toBe(30);
  });

  it('a read issued while a transaction is open never sees its uncommitted writes', async () => {
    const h = get();
    const id = await newCustomer(h);
    const wrote = deferred();
    const finish = deferred();
    const tx = h.deps.db.transaction(async (em) => {
      await em.update(Customer, { id }, { level: 1 });
      wrote.resolve();
      await finish.promise;
      await em.update(Customer, { id }, { level: 2 });
    });
    await wrote.promise;
    const read = levelOf(h, id); // SQLite: queued behind the transaction; MySQL: another connection
    finish.resolve();
    await tx;
    // 0 (read before commit, MySQL) or 2 (read after commit, SQLite): never the intermediate 1
    expect([0, 2]).toContain(await read);
    expect(await levelOf(h, id)).toBe(2);
  });
});

// Real lock conflicts need row locks and several connections: MySQL/MariaDB only.
if (dbTargets().includes('mysql')) {
  describe('Db.transaction lock conflicts [mysql]', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness('mysql');
    });
    afterAll(async () => {
      await h?.close();
    });
    lockConflictSuite(() => h);
  });
}

function lockConflictSuite(get: () => Harness) {
  /**
   * Two transactions each lock one row, meet, then update the other's row: InnoDB detects the cycle
   * and kills one (1213). `maxAttempts` is passed to Db.transaction.
   */
  async function provokeDeadlock(h: Harness, maxAttempts?: number) {
    const a = await newCustomer(h);
    const b = await newCustomer(h);
    const meet = barrier(2);
    const attempts = { ab: 0, ba: 0 };
    const errnos: (number | undefined)[] = [];
    const run = (name: 'ab' | 'ba', first: number, second: number, step: number) =>
      h.deps.db.transaction(
        async (tx) => {
          const attempt = ++attempts[name];
          await tx.query('UPDATE customer SET level = level + ? WHERE id = ?', [step, first]);
          if (attempt === 1) await meet();
          try {
            await tx.query('UPDATE customer SET level = level + ? WHERE id = ?', [step, second]);
          } catch (err) {
            errnos.push(errnoOf(err));
            throw err;
          }
        },
        { maxAttempts },
      );
    const results = await Promise.allSettled([run('ab', a, b, 1), run('ba', b, a, 10)]);
    return { a, b, attempts, errnos, results };
  }

  it('a real deadlock between two transactions is retried: both complete with correct values', async () => {
    const h = get();
    const { a, b, attempts, errnos, results } = await provokeDeadlock(h);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(errnos).toEqual([1213]); // exactly one victim, of a real deadlock
    expect(attempts.ab + attempts.ba).toBe(3); // the victim ran twice, the winner once
    expect(Math.max(attempts.ab, attempts.ba)).toBe(2);
    // each transaction applied its increment to both rows exactly once
    expect(await levelOf(h, a)).toBe(11);
    expect(await levelOf(h, b)).toBe(11);
  });

  it('with no attempts left the deadlock victim fails with RETRYABLE_DB_CONFLICT and leaves no trace', async () => {
    const h = get();
    const { a, b, attempts, results } = await provokeDeadlock(h, 1);
    expect(attempts).toEqual({ ab: 1, ba: 1 });
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(AppError);
    expect(rejected[0].reason).toMatchObject({ code: 'RETRYABLE_DB_CONFLICT', status: 503 });
    // only the winner's increments are there
    const winnerStep = results[0].status === 'fulfilled' ? 1 : 10;
    expect(await levelOf(h, a)).toBe(winnerStep);
    expect(await levelOf(h, b)).toBe(winnerStep);
  });

  async function provokeLockWaitTimeout(h: Harness, maxAttempts?: number) {
    const id = await newCustomer(h);
    const locked = deferred();
    const release = deferred();
    const holder = h.deps.db.transaction(async (tx) => {
      await tx.query('UPDATE customer SET level = level + 1 WHERE id = ?', [id]);
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    let attempts = 0;
    const errnos: (number | undefined)[] = [];
    const waiter = h.deps.db.transaction(
      async (tx) => {
        attempts++;
        await tx.query('SET SESSION innodb_lock_wait_timeout = 1');
        try {
          await tx.query('UPDATE customer SET level = level + 10 WHERE id = ?', [id]);
        } catch (err) {
          errnos.push(errnoOf(err));
          release.resolve(); // the holder commits; the retry gets the lock
          throw err;
        } finally {
          await tx.query('SET SESSION innodb_lock_wait_timeout = DEFAULT');
        }
      },
      { maxAttempts },
    );
    const [w, hold] = await Promise.allSettled([waiter, holder]);
    return { id, attempts, errnos, waiter: w, holder: hold };
  }

  it('a lock-wait timeout is retried and the retry succeeds once the lock is free', async () => {
    const h = get();
    const { id, attempts, errnos, waiter, holder } = await provokeLockWaitTimeout(h);
    expect(errnos).toEqual([1205]);
    expect(attempts).toBe(2);
    expect([waiter.status, holder.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(await levelOf(h, id)).toBe(11);
  });

  it('a lock-wait timeout with no attempts left fails with RETRYABLE_DB_CONFLICT', async () => {
    const h = get();
    const { id, attempts, waiter, holder } = await provokeLockWaitTimeout(h, 1);
    expect(attempts).toBe(1);
    expect(waiter.status).toBe('rejected');
    expect((waiter as PromiseRejectedResult).reason).toMatchObject({ code: 'RETRYABLE_DB_CONFLICT' });
    expect(holder.status).toBe('fulfilled');
    expect(await levelOf(h, id)).toBe(1);
  });

  it('runs at READ COMMITTED: a second read in the same transaction sees a concurrent commit', async () => {
    const h = get();
    const id = await newCustomer(h);
    const levels = await h.deps.db.transaction(async (tx) => {
      const before = (await tx.getRepository(Customer).findOneByOrFail({ id })).level;
      await h.deps.db.transaction((other) => other.update(Customer, { id }, { level: 5 }));
      const after = (await tx.getRepository(Customer).findOneByOrFail({ id })).level;
      return [before, after];
    });
    expect(levels).toEqual([0, 5]);
  });
}
