import crypto from 'node:crypto';
import { isCheckViolation } from '../../src/db/db';
import { AppError } from '../../src/lib/app-error';
import { Customer } from '../../src/modules/customer/customer.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import { postPoints, type PointsEntry } from '../../src/modules/points/points.service';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { createHarness, dbTargets, type Harness } from '../helpers/harness';

/**
 * postPoints invariants under real parallelism: on MySQL/MariaDB every call runs in its own pooled
 * connection and transaction (row lock on the customer); on SQLite Db serializes the transactions.
 */

const ref = () => crypto.randomBytes(6).toString('hex');

async function newCustomer(h: Harness): Promise<number> {
  return h.deps.db.transaction(async (tx) => {
    const repo = tx.getRepository(Customer);
    const saved = await repo.save(repo.create({ openid: `o_pts_${ref()}` }));
    return saved.id;
  });
}

function post(h: Harness, entry: PointsEntry) {
  return h.deps.db.transaction((tx) => postPoints(h.deps.db, tx, entry, h.clock.now()));
}

async function balanceOf(h: Harness, customerId: number): Promise<number> {
  const c = await h.deps.db.read((em) => em.getRepository(Customer).findOneByOrFail({ id: customerId }));
  return c.pointsBalance;
}

async function ledgerOf(h: Harness, customerId: number): Promise<PointsLedger[]> {
  return h.deps.db.read((em) => em.getRepository(PointsLedger).find({ where: { customerId }, order: { id: 'ASC' } }));
}

async function pointsEventsOf(h: Harness, customerId: number) {
  const rows = await h.deps.db.read((em) => em.getRepository(OutboxEvent).find({ where: { type: 'points.changed' }, order: { id: 'ASC' } }));
  return rows.map((r) => JSON.parse(r.payload)).filter((p) => p.customerId === customerId);
}

/** The ledger is a consistent running sum: each balanceAfter = previous + delta, the last equals the balance. */
async function expectConsistentLedger(h: Harness, customerId: number) {
  const ledger = await ledgerOf(h, customerId);
  let running = 0;
  for (const row of ledger) {
    running += row.delta;
    expect(row.balanceAfter).toBe(running);
    expect(row.balanceAfter).toBeGreaterThanOrEqual(0);
  }
  expect(await balanceOf(h, customerId)).toBe(running);
  return ledger;
}

function settle<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises);
}

for (const target of dbTargets()) {
  describe(`postPoints invariants [${target}]`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(target);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('a retried spend that already applied is a no-op even when the balance could not cover it again', async () => {
      const customerId = await newCustomer(h);
      const key = { reason: 'spend' as const, refType: 'order', refId: `retry-${target}-${customerId}` };
      await post(h, { customerId, delta: 10, reason: 'adjustment', refType: 'test', refId: `grant-${target}-${customerId}` });
      await expect(post(h, { customerId, delta: -10, ...key })).resolves.toMatchObject({ applied: true, balance: 0 });
      await expect(post(h, { customerId, delta: -10, ...key })).resolves.toEqual({ applied: false, balance: 0, ledgerId: null });
      expect(await balanceOf(h, customerId)).toBe(0);
    });

    it('40 parallel spends of 10 from 100 points: exactly 10 succeed, 30 are POINTS_INSUFFICIENT, balance 0, ledger consistent', async () => {
      const customerId = await newCustomer(h);
      const grant = await post(h, { customerId, delta: 100, reason: 'adjustment', refType: 'test', refId: ref() });
      expect(grant).toMatchObject({ applied: true, balance: 100 });

      const results = await settle(
        Array.from({ length: 40 }, (_, i) => post(h, { customerId, delta: -10, reason: 'spend', refType: 'order', refId: `spend-${ref()}-${i}` })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof post>>>).value);
      const failed = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
      expect(ok).toHaveLength(10);
      expect(ok.every((r) => r.applied && r.ledgerId !== null)).toBe(true);
      // every successful spend saw a distinct balance: 90, 80, …, 0
      expect(ok.map((r) => r.balance).sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
      expect(failed).toHaveLength(30);
      for (const err of failed) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('POINTS_INSUFFICIENT');
      }

      expect(await balanceOf(h, customerId)).toBe(0);
      const ledger = await expectConsistentLedger(h, customerId);
      expect(ledger).toHaveLength(11);
      expect(ledger.map((l) => l.balanceAfter)).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
      expect(new Set(ok.map((r) => r.ledgerId))).toEqual(new Set(ledger.slice(1).map((l) => l.id)));

      // one points.changed event per applied entry, none for the refused spends
      const events = await pointsEventsOf(h, customerId);
      expect(events).toHaveLength(11);
      expect(events.map((e) => e.ledgerId).sort((a, b) => a - b)).toEqual(ledger.map((l) => l.id));
    });

    it('20 parallel posts of the same business key apply exactly once', async () => {
      const customerId = await newCustomer(h);
      const key = { reason: 'purchase' as const, refType: 'order', refId: `dup-${ref()}` };
      const results = await Promise.all(Array.from({ length: 20 }, () => post(h, { customerId, delta: 25, ...key })));

      const applied = results.filter((r) => r.applied);
      expect(applied).toHaveLength(1);
      expect(applied[0]).toMatchObject({ balance: 25, ledgerId: expect.any(Number) });
      for (const r of results.filter((x) => !x.applied)) expect(r).toEqual({ applied: false, balance: 25, ledgerId: null });

      expect(await balanceOf(h, customerId)).toBe(25);
      const ledger = await expectConsistentLedger(h, customerId);
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({ id: applied[0].ledgerId, delta: 25, ...key });
      expect(await pointsEventsOf(h, customerId)).toHaveLength(1);
    });

    it('mixed parallel grants and spends on one customer keep the ledger a consistent running sum', async () => {
      const customerId = await newCustomer(h);
      await post(h, { customerId, delta: 50, reason: 'adjustment', refType: 'test', refId: ref() });
      // 15 grants of +7 and 25 spends of -9, interleaved; some spends must fail depending on order
      const ops = Array.from({ length: 40 }, (_, i) =>
        i % 8 < 3 ? post(h, { customerId, delta: 7, reason: 'purchase', refType: 'order', refId: `g-${ref()}` }) : post(h, { customerId, delta: -9, reason: 'spend', refType: 'order', refId: `s-${ref()}` }),
      );
      const results = await settle(ops);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('POINTS_INSUFFICIENT');
      const grants = results.filter((r, i) => i % 8 < 3 && r.status === 'fulfilled').length;
      const spends = results.filter((r, i) => i % 8 >= 3 && r.status === 'fulfilled').length;
      expect(grants).toBe(15); // a grant can never fail

      const ledger = await expectConsistentLedger(h, customerId);
      expect(ledger).toHaveLength(1 + grants + spends);
      expect(await balanceOf(h, customerId)).toBe(50 + 7 * grants - 9 * spends);
    });

    it('a reused key returns applied:false with the current balance and changes nothing, whatever its delta', async () => {
      const customerId = await newCustomer(h);
      const key = { reason: 'purchase' as const, refType: 'order', refId: `once-${ref()}` };
      const first = await post(h, { customerId, delta: 30, ...key });
      expect(first).toMatchObject({ applied: true, balance: 30 });
      await post(h, { customerId, delta: 5, reason: 'adjustment', refType: 'test', refId: ref() });
      const before = await ledgerOf(h, customerId);
      const eventsBefore = await pointsEventsOf(h, customerId);

      expect(await post(h, { customerId, delta: 30, ...key })).toEqual({ applied: false, balance: 35, ledgerId: null });
      expect(await post(h, { customerId, delta: 999, ...key })).toEqual({ applied: false, balance: 35, ledgerId: null });

      expect(await balanceOf(h, customerId)).toBe(35);
      expect(await ledgerOf(h, customerId)).toEqual(before);
      expect(await pointsEventsOf(h, customerId)).toEqual(eventsBefore);
    });

    it('a business key is global: reused for another customer it applies to nobody and changes nothing', async () => {
      const a = await newCustomer(h);
      const b = await newCustomer(h);
      const key = { reason: 'purchase' as const, refType: 'order', refId: `shared-${ref()}` };
      const [ra, rb] = await Promise.all([post(h, { customerId: a, delta: 10, ...key }), post(h, { customerId: b, delta: 10, ...key })]);
      expect([ra.applied, rb.applied].filter(Boolean)).toHaveLength(1);
      const total = (await balanceOf(h, a)) + (await balanceOf(h, b));
      expect(total).toBe(10);
      await expectConsistentLedger(h, a);
      await expectConsistentLedger(h, b);
    });

    it('refuses a spend beyond the balance and writes nothing', async () => {
      const customerId = await newCustomer(h);
      await post(h, { customerId, delta: 10, reason: 'adjustment', refType: 'test', refId: ref() });
      const before = await ledgerOf(h, customerId);
      await expect(post(h, { customerId, delta: -11, reason: 'spend', refType: 'order', refId: ref() })).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT', status: 409 });
      expect(await balanceOf(h, customerId)).toBe(10);
      expect(await ledgerOf(h, customerId)).toEqual(before);
      // spending exactly the balance is allowed
      await expect(post(h, { customerId, delta: -10, reason: 'spend', refType: 'order', refId: ref() })).resolves.toMatchObject({ applied: true, balance: 0 });
    });

    it('rejects zero, fractional and unsafe deltas and unknown customers without writing', async () => {
      const customerId = await newCustomer(h);
      for (const delta of [0, 1.5, NaN, Infinity, 2 ** 53]) {
        await expect(post(h, { customerId, delta, reason: 'adjustment', refType: 'test', refId: ref() })).rejects.toThrow(RangeError);
      }
      await expect(post(h, { customerId: 987654321, delta: 1, reason: 'adjustment', refType: 'test', refId: ref() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await ledgerOf(h, customerId)).toEqual([]);
      expect(await balanceOf(h, customerId)).toBe(0);
    });

    it('a caller transaction that throws after postPoints rolls the entry back, so the key can be applied later', async () => {
      const customerId = await newCustomer(h);
      const key = { reason: 'purchase' as const, refType: 'order', refId: `rb-${ref()}` };
      await expect(
        h.deps.db.transaction(async (tx) => {
          const r = await postPoints(h.deps.db, tx, { customerId, delta: 40, ...key }, h.clock.now());
          expect(r.applied).toBe(true);
          throw new Error('payment failed later');
        }),
      ).rejects.toThrow('payment failed later');
      expect(await balanceOf(h, customerId)).toBe(0);
      expect(await ledgerOf(h, customerId)).toEqual([]);
      expect(await pointsEventsOf(h, customerId)).toEqual([]);
      await expect(post(h, { customerId, delta: 40, ...key })).resolves.toMatchObject({ applied: true, balance: 40 });
    });

    {
      it('the database itself rejects a negative balance (CHECK constraint)', async () => {
        const customerId = await newCustomer(h);
        let error: unknown = null;
        try {
          await h.deps.db.transaction((tx) => tx.query('UPDATE customer SET points_balance = -1 WHERE id = ?', [customerId]));
        } catch (err) {
          error = err;
        }
        expect(error).not.toBeNull();
        expect(isCheckViolation(error)).toBe(true);
        expect(await balanceOf(h, customerId)).toBe(0);
      });
    }
  });
}
