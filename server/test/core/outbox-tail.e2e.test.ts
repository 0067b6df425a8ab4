import { describeEachDb, type Harness } from '../helpers/harness';
import { emit } from '../../src/events/outbox';
import { OutboxTail } from '../../src/events/outbox-tail';
import type { DeliveredEvent } from '../../src/events/event-types';

/**
 * OutboxTail: every process's own, non-claiming read of the outbox. Each tail sees every committed event of its
 * types exactly as the table has it, including events whose transaction commits after a later id was read.
 */
describeEachDb('outbox tail', (get) => {
  const at = () => get().clock.now().toISOString();
  const scan = (h: Harness, customerId: number) =>
    h.deps.db.transaction((tx) => emit(tx, 'customer.became_member', { customerId, at: at() } as never, h.clock.now()));
  const tailOf = (h: Harness, got: DeliveredEvent[], opts: { fail?: () => boolean; gapGraceMs?: number } = {}) =>
    new OutboxTail(h.deps, { pollMs: 60_000, gapGraceMs: opts.gapGraceMs }).onBatch(['customer.became_member'], async (events) => {
      if (opts.fail?.()) throw new Error('handler down');
      got.push(...events);
    });
  const ids = (events: DeliveredEvent[]) => events.map((e) => (e.payload as { customerId: number }).customerId);

  it('two tails (two processes) each receive every event of their types once, in id order, from where they started', async () => {
    const h = get();
    await scan(h, 1); // before the tails start: within the re-read margin, so delivered once
    const a: DeliveredEvent[] = [];
    const b: DeliveredEvent[] = [];
    const ta = tailOf(h, a);
    const tb = tailOf(h, b);
    await ta.seek();
    await tb.seek();
    for (let i = 2; i <= 5; i++) await scan(h, i);
    await h.deps.db.transaction((tx) => emit(tx, 'order.paid', { orderId: 1 } as never, h.clock.now())); // not their type
    while ((await ta.runOnce()) > 0);
    while ((await tb.runOnce()) > 0);
    expect(ids(a).filter((id) => id >= 1 && id <= 5).slice(-5)).toEqual([1, 2, 3, 4, 5]);
    expect(ids(b).slice(-5)).toEqual([1, 2, 3, 4, 5]);
    expect(a.every((e) => e.type === 'customer.became_member')).toBe(true);
    // nothing new: nothing delivered again
    const before = a.length;
    await ta.runOnce();
    expect(a.length).toBe(before);
  });

  it('a handler that throws leaves the cursor: the same events come again on the next pass', async () => {
    const h = get();
    const got: DeliveredEvent[] = [];
    let down = false;
    const t = tailOf(h, got, { fail: () => down });
    await t.seek();
    while ((await t.runOnce()) > 0);
    got.length = 0;
    down = true;
    await scan(h, 41);
    await expect(t.runOnce()).rejects.toThrow('handler down');
    down = false;
    await t.runOnce();
    expect(ids(got)).toEqual([41]);
  });

  it('an event whose transaction commits after a later id was read is still delivered; a rolled-back id is given up after the grace', async () => {
    const h = get();
    if (h.target !== 'mysql') return; // SQLite runs one transaction at a time: no id can commit out of order
    const got: DeliveredEvent[] = [];
    const t = tailOf(h, got, { gapGraceMs: 5_000 });
    await t.seek();
    while ((await t.runOnce()) > 0);
    got.length = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    // A: takes its id first, commits last
    const slow = h.deps.db.transaction(async (tx) => {
      await emit(tx, 'customer.became_member', { customerId: 100, at: at() } as never, h.clock.now());
      inserted();
      await held;
    });
    await insertedP;
    // R: takes an id and rolls back (a gap for ever)
    await h.deps.db
      .transaction(async (tx) => {
        await emit(tx, 'customer.became_member', { customerId: 999, at: at() } as never, h.clock.now());
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await scan(h, 101); // B: later id, committed now
    const t0 = Date.now();
    await t.runOnce(t0);
    expect(ids(got)).toEqual([101]);
    expect(t.position().openGaps).toBe(2);
    release();
    await slow;
    await t.runOnce(t0 + 1_000);
    expect(ids(got)).toEqual([101, 100]);
    expect(t.position().openGaps).toBe(1); // the rolled-back id, still waited for
    await t.runOnce(t0 + 6_000);
    expect(t.position().openGaps).toBe(0);
    expect(ids(got)).toEqual([101, 100]);
  });
});
