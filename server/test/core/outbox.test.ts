import type { EventMap } from '../../src/events/event-types';
import { emit } from '../../src/events/outbox';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { OutboxWorker, type EventHandler, type OutboxWorkerOptions } from '../../src/events/outbox-worker';
import { describeEachDb, type Harness } from '../helpers/harness';

type Payload = EventMap['points.changed'];
let seq = 0;
const payload = (): Payload => ({ customerId: 1, delta: 10, reason: 'adjustment', balanceAfter: 10, ledgerId: ++seq });

async function emitCommitted(h: Harness, count = 1): Promise<Payload[]> {
  const payloads = Array.from({ length: count }, payload);
  await h.deps.db.transaction(async (tx) => {
    for (const p of payloads) await emit(tx, 'points.changed', p, h.clock.now());
  });
  return payloads;
}

const rows = (h: Harness) => h.deps.db.read((em) => em.getRepository(OutboxEvent).find({ order: { id: 'ASC' } }));
const row = async (h: Harness, id: number) => h.deps.db.read((em) => em.getRepository(OutboxEvent).findOneByOrFail({ id }));

function worker(h: Harness, handler: EventHandler<'points.changed'>, opts: Partial<OutboxWorkerOptions> = {}) {
  return new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 0, ...opts }).on('points.changed', handler);
}

/** Waits (bounded) until `cond` holds; fails the test rather than hanging. Not a timing assertion. */
async function eventually(cond: () => Promise<boolean>, what: string, limitMs = 10_000) {
  const until = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeEachDb('outbox delivery', (get) => {
  beforeEach(async () => {
    await get().deps.db.transaction((tx) => tx.createQueryBuilder().delete().from(OutboxEvent).execute());
  });

  it('a batch handler gets the pass\'s events in one call; when it fails, each event retries it alone and only the bad one backs off', async () => {
    const h = get();
    const calls: number[][] = [];
    const bad = new Set<number>();
    const w = new OutboxWorker(h.deps, { pollMs: 50, backoffMs: () => 60_000 }).onBatch(['points.changed'], async (events) => {
      calls.push(events.map((e) => (e.payload as Payload).ledgerId));
      if (events.some((e) => bad.has((e.payload as Payload).ledgerId))) throw new Error('one bad event');
    });
    const ok = await emitCommitted(h, 3);
    expect(await w.runOnce()).toBe(3);
    expect(calls).toEqual([ok.map((p) => p.ledgerId)]); // one call for the pass, in order

    calls.length = 0;
    const [a, b, c] = await emitCommitted(h, 3);
    bad.add(b.ledgerId);
    expect(await w.runOnce()).toBe(3);
    // the pass call failed, then each event alone: a and c succeed, b fails and backs off
    expect(calls).toEqual([[a.ledgerId, b.ledgerId, c.ledgerId], [a.ledgerId], [b.ledgerId], [c.ledgerId]]);
    const all = await rows(h);
    expect(all.filter((r) => r.status === 'done')).toHaveLength(5);
    expect(all.filter((r) => r.status === 'pending').map((r) => (JSON.parse(r.payload) as Payload).ledgerId)).toEqual([b.ledgerId]);
  });

  it('delivers an event emitted in a committed transaction exactly once, then marks it done', async () => {
    const h = get();
    const seen: { id: number; payload: Payload; attempt: number }[] = [];
    const w = worker(h, async (e) => void seen.push({ id: e.id, payload: e.payload, attempt: e.attempt }));
    const [p] = await emitCommitted(h);

    expect(await w.runOnce()).toBe(1);
    expect(seen).toEqual([{ id: expect.any(Number), payload: p, attempt: 1 }]);
    const done = await row(h, seen[0].id);
    expect(done).toMatchObject({ status: 'done', attempts: 1, lockedUntil: null, lastError: null });
    expect(done.processedAt?.getTime()).toBe(h.clock.now().getTime());

    // nothing left to claim, however often or late the worker runs
    expect(await w.runOnce()).toBe(0);
    h.clock.advance(3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('started worker wakes up on commit and delivers without waiting for its poll interval', async () => {
    const h = get();
    const seen: number[] = [];
    const w = worker(h, async (e) => void seen.push(e.payload.ledgerId), { pollMs: 60_000 });
    w.start();
    try {
      const payloads = await emitCommitted(h, 3);
      await eventually(async () => seen.length >= 3, 'three deliveries');
      expect(seen.sort((a, b) => a - b)).toEqual(payloads.map((p) => p.ledgerId));
      await eventually(async () => (await rows(h)).every((r) => r.status === 'done'), 'rows marked done');
    } finally {
      await w.stop();
    }
    expect(seen).toHaveLength(3);
  });

  it('never delivers an event emitted in a transaction that then throws', async () => {
    const h = get();
    const handler = jest.fn(async () => {});
    const w = worker(h, handler);
    await expect(
      h.deps.db.transaction(async (tx) => {
        await emit(tx, 'points.changed', payload(), h.clock.now());
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');

    expect(await rows(h)).toEqual([]);
    expect(await w.runOnce()).toBe(0);
    h.clock.advance(60_000);
    expect(await w.runOnce()).toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it('retries a failing handler after its backoff and records attempts until it succeeds', async () => {
    const h = get();
    const attempts: number[] = [];
    const w = worker(
      h,
      async (e) => {
        attempts.push(e.attempt);
        if (e.attempt <= 2) throw new Error(`flaky ${e.attempt}`);
      },
      { backoffMs: (n) => 1000 * n },
    );
    await emitCommitted(h);
    const [{ id }] = await rows(h);

    const t0 = h.clock.now().getTime();
    expect(await w.runOnce()).toBe(1);
    expect(await row(h, id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'flaky 1', lockedUntil: null });
    expect((await row(h, id)).availableAt.getTime()).toBe(t0 + 1000);

    // not due yet: nothing happens
    h.clock.advance(999);
    expect(await w.runOnce()).toBe(0);
    h.clock.advance(1);
    expect(await w.runOnce()).toBe(1);
    expect(await row(h, id)).toMatchObject({ status: 'pending', attempts: 2, lastError: 'flaky 2' });
    expect((await row(h, id)).availableAt.getTime()).toBe(t0 + 1000 + 2000);

    h.clock.advance(2000);
    expect(await w.runOnce()).toBe(1);
    expect(await row(h, id)).toMatchObject({ status: 'done', attempts: 3, lockedUntil: null });
    expect(attempts).toEqual([1, 2, 3]);

    h.clock.advance(60_000);
    expect(await w.runOnce()).toBe(0);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('marks an event dead with its last error after maxAttempts and stops delivering it', async () => {
    const h = get();
    const handler = jest.fn(async (e: { attempt: number }) => {
      throw new Error(`downstream refused for 13812345678 (attempt ${e.attempt})`);
    });
    const w = worker(h, handler, { maxAttempts: 3 });
    await emitCommitted(h);
    const [{ id }] = await rows(h);

    for (let i = 1; i <= 3; i++) expect(await w.runOnce()).toBe(1);
    const dead = await row(h, id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lockedUntil: null, processedAt: null });
    // the error is recorded, with the phone number masked like in the logs
    expect(dead.lastError).toBe('downstream refused for 138****5678 (attempt 3)');

    h.clock.advance(24 * 3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('records at most 500 characters of a handler error', async () => {
    const h = get();
    const w = worker(h, async () => {
      throw new Error('x'.repeat(2000));
    });
    await emitCommitted(h);
    const [{ id }] = await rows(h);
    await w.runOnce();
    expect((await row(h, id)).lastError).toBe('x'.repeat(500));
  });

  it('two workers running concurrently on the same events deliver each event once', async () => {
    const h = get();
    const calls = new Map<number, number>();
    const byWorker = [0, 0];
    const handlerFor = (i: number) => async (e: { id: number }) => {
      calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
      byWorker[i]++;
      await new Promise((r) => setImmediate(r)); // let the other worker interleave mid-delivery
    };
    const w1 = worker(h, handlerFor(0), { batchSize: 100 });
    const w2 = worker(h, handlerFor(1), { batchSize: 100 });
    await emitCommitted(h, 40);
    const ids = (await rows(h)).map((r) => r.id);

    // both see all 40 as due and race to claim them (two passes each)
    const claimed = await Promise.all([w1.runOnce(), w2.runOnce(), w1.runOnce(), w2.runOnce()]);
    expect(claimed.every((n) => n <= 40)).toBe(true);

    expect([...calls.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(byWorker[0] + byWorker[1]).toBe(40);
    const after = await rows(h);
    expect(after.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);

    expect(await Promise.all([w1.runOnce(), w2.runOnce()])).toEqual([0, 0]);
  });

  it('leaves an event under a live lease alone and picks it up again once the lease has expired', async () => {
    const h = get();
    const attempts: number[] = [];
    const w = worker(h, async (e) => void attempts.push(e.attempt), { leaseMs: 30_000 });
    await emitCommitted(h);
    const [{ id }] = await rows(h);
    // a worker claimed it (attempt 1) and then crashed: processing, lease running for 30 s
    const leaseEnd = new Date(h.clock.now().getTime() + 30_000);
    await h.deps.db.transaction((tx) => tx.update(OutboxEvent, { id }, { status: 'processing', attempts: 1, lockedUntil: leaseEnd }));

    expect(await w.runOnce()).toBe(0);
    h.clock.advance(29_999);
    expect(await w.runOnce()).toBe(0);
    expect(attempts).toEqual([]);

    h.clock.advance(2);
    expect(await w.runOnce()).toBe(1);
    expect(attempts).toEqual([2]);
    expect(await row(h, id)).toMatchObject({ status: 'done', attempts: 2, lockedUntil: null });
  });

  it('an expired lease row (processing, locked_until in the past) is delivered by the next pass', async () => {
    const h = get();
    const seen = jest.fn(async () => {});
    const w = worker(h, seen);
    await emitCommitted(h);
    const [{ id }] = await rows(h);
    await h.deps.db.transaction((tx) =>
      tx.update(OutboxEvent, { id }, { status: 'processing', attempts: 4, lockedUntil: new Date(h.clock.now().getTime() - 1) }),
    );
    expect(await w.runOnce()).toBe(1);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith(expect.objectContaining({ id, attempt: 5 }));
    expect(await row(h, id)).toMatchObject({ status: 'done', attempts: 5 });
  });

  it('a worker whose handler hangs past its lease does not block delivery by another worker', async () => {
    const h = get();
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const slow = worker(h, () => stuck, { leaseMs: 10_000 });
    const fastCalls: number[] = [];
    const fast = worker(h, async (e) => void fastCalls.push(e.attempt), { leaseMs: 10_000 });
    await emitCommitted(h);
    const [{ id }] = await rows(h);

    const slowPass = slow.runOnce(); // claims and hangs inside the handler
    await eventually(async () => (await row(h, id)).status === 'processing', 'slow worker claim');
    expect(await fast.runOnce()).toBe(0); // lease still running

    h.clock.advance(10_001);
    expect(await fast.runOnce()).toBe(1);
    expect(fastCalls).toEqual([2]);
    expect(await row(h, id)).toMatchObject({ status: 'done', attempts: 2 });

    release();
    await slowPass;
    // the late finisher does not resurrect or re-mark the event
    expect(await row(h, id)).toMatchObject({ status: 'done', attempts: 2 });
  });
});
