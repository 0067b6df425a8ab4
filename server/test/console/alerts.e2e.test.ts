import { describeEachDb, type Harness } from '../helpers/harness';
import { bearer, member } from '../helpers/flows';
import { makeProduct, makeStaff, makeStore, staffToken } from '../helpers/fixtures';
import { emit } from '../../src/events/outbox';
import { OutboxEvent } from '../../src/events/outbox-event.entity';
import { OutboxWorker } from '../../src/events/outbox-worker';
import { registerHandlers } from '../../src/events/handlers';
import { Alert } from '../../src/modules/alert/alert.entity';
import { sweepAlerts } from '../../src/modules/alert/alert-sources';
import { raiseAlert } from '../../src/modules/alert/alert.service';
import { AuditLog } from '../../src/modules/audit/audit-log.entity';
import { Refund } from '../../src/modules/payment/refund.entity';
import { nextPhone, paidOrder, refundVia } from './order-helpers';

const alerts = (h: Harness) => h.deps.db.read((em) => em.getRepository(Alert).find({ order: { id: 'ASC' } }));

describeEachDb(
  'console alerts: raised once per subject from events and the sweep, listed, counted, resolved once',
  (get) => {
    let storeId: number;
    let sku: string;
    let admin: string;
    let marketer: string;
    let manager: string;
    let worker: OutboxWorker;
    const drain = async () => {
      while ((await worker.runOnce()) > 0);
    };

    beforeAll(async () => {
      const h = get();
      storeId = (await makeStore(h)).id;
      sku = (await makeProduct(h, { priceFen: 100_000 })).sku;
      admin = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
      marketer = staffToken(h, (await makeStaff(h, 'marketer')).staff.id);
      manager = staffToken(h, (await makeStaff(h, 'store_manager', storeId)).staff.id);
      worker = new OutboxWorker(h.deps, { pollMs: 60_000, backoffMs: () => 0 });
      registerHandlers(worker, h.deps);
    });

    it('raises points_unrecovered from a real refund, once, even when the event is delivered again', async () => {
      const h = get();
      await drain();
      const m = await member(h, nextPhone());
      const a = await paidOrder(h, storeId, sku, { quantity: 1, m }); // earns 1,000
      await paidOrder(h, storeId, sku, { quantity: 1, usePoints: true, m }); // spends them all
      const r = await refundVia(h, admin, a.order.id, 100_000, 'alert-shortfall');
      expect(r.status).toBe(201);
      await h.pay!.control.idle();
      await drain();
      const raised = (await alerts(h)).filter((x) => x.kind === 'points_unrecovered');
      expect(raised).toHaveLength(1);
      expect(raised[0]).toMatchObject({ refType: 'refund', refId: String(r.body.refund.id), storeId, status: 'open' });
      expect(JSON.parse(raised[0].details!)).toMatchObject({ orderId: a.order.id, refundId: r.body.refund.id, points: 200, outTradeNo: a.order.outTradeNo });
      expect(raised[0].summary).toContain('200');

      // redelivery (the same event again, twice) changes nothing
      await h.deps.db.transaction(async (tx) => {
        const p = { customerId: m.customerId, orderId: a.order.id, refundId: r.body.refund.id, points: 200 };
        await emit(tx, 'points.unrecovered', p, h.clock.now());
        await emit(tx, 'points.unrecovered', p, h.clock.now());
      });
      await drain();
      expect((await alerts(h)).filter((x) => x.kind === 'points_unrecovered')).toHaveLength(1);
    });

    it('raises payment_quarantined and refund_failed once per subject', async () => {
      const h = get();
      const o = await paidOrder(h, storeId, sku, { quantity: 1 });
      const before = (await alerts(h)).length;
      const refundId = await h.deps.db.transaction(async (tx) => {
        const id = await h.deps.db.insertReturningId(tx, Refund, { outRefundNo: `RFTEST${Date.now()}`, orderId: o.order.id, requestNo: 'alert-failed', amountFen: 100, reason: 'x', status: 'failed', requestedBy: null });
        for (let i = 0; i < 2; i++) {
          await emit(tx, 'payment.quarantined', { notificationId: 999_001, outTradeNo: o.order.outTradeNo, reason: 'amount mismatch' }, h.clock.now());
          await emit(tx, 'payment.quarantined', { notificationId: null, outTradeNo: o.order.outTradeNo, reason: 'a second transaction for a paid order' }, h.clock.now());
          await emit(tx, 'refund.failed', { refundId: id, orderId: o.order.id, status: 'failed', reason: 'NOT_ENOUGH' }, h.clock.now());
        }
        return id;
      });
      await drain();
      const fresh = (await alerts(h)).slice(before);
      expect(fresh.map((a) => `${a.kind}:${a.refType}:${a.refId}`).sort()).toEqual(
        [`payment_quarantined:order:${o.order.id}`, 'payment_quarantined:pay_notification:999001', `refund_failed:refund:${refundId}`].sort(),
      );
      expect(fresh.every((a) => a.storeId === storeId)).toBe(true);
      const failed = fresh.find((a) => a.kind === 'refund_failed')!;
      expect(failed.summary).toBe(`退款失败：订单 ${o.order.outTradeNo} 退款 ¥1.00，被微信支付拒绝`);
    });

    it('the sweep raises outbox_dead and refund_stuck (after 30 minutes) once, however often it runs', async () => {
      const h = get();
      const o = await paidOrder(h, storeId, sku, { quantity: 1 });
      const { deadId, stuckId } = await h.deps.db.transaction(async (tx) => ({
        deadId: await h.deps.db.insertReturningId(tx, OutboxEvent, { type: 'test.dead', payload: '{}', status: 'dead', attempts: 10, availableAt: h.clock.now(), lastError: 'boom' }),
        stuckId: await h.deps.db.insertReturningId(tx, Refund, { outRefundNo: `RFSTUCK${Date.now()}`, orderId: o.order.id, requestNo: 'alert-stuck', amountFen: 100, reason: 'x', status: 'processing', requestedBy: null }),
      }));
      const first = await sweepAlerts(h.ctx);
      expect(first.outboxDead).toBeGreaterThanOrEqual(1);
      expect((await alerts(h)).some((a) => a.kind === 'refund_stuck' && a.refId === String(stuckId))).toBe(false); // not 30 minutes yet
      h.clock.advance(31 * 60_000);
      const second = await sweepAlerts(h.ctx);
      expect(second.outboxDead).toBe(0);
      expect(second.refundStuck).toBeGreaterThanOrEqual(1);
      expect(await sweepAlerts(h.ctx)).toEqual({ outboxDead: 0, refundStuck: 0 });
      const all = await alerts(h);
      expect(all.filter((a) => a.kind === 'outbox_dead' && a.refId === String(deadId))).toHaveLength(1);
      const stuck = all.filter((a) => a.kind === 'refund_stuck' && a.refId === String(stuckId));
      expect(stuck).toHaveLength(1);
      expect(stuck[0]).toMatchObject({ refType: 'refund', storeId });
      expect(JSON.parse(stuck[0].details!)).toMatchObject({ orderId: o.order.id, outTradeNo: o.order.outTradeNo, status: 'processing' });
    });

    it('lists with filters, counts the open ones, resolves once (again → 409), audited; admins resolve, marketers read, managers cannot', async () => {
      const h = get();
      const openBefore = (await alerts(h)).filter((a) => a.status === 'open').length;
      const count = await h.http.get('/api/admin/alerts/count').set(bearer(marketer));
      expect(count.status).toBe(200);
      expect(count.body).toEqual({ open: openBefore });

      const list = await h.http.get('/api/admin/alerts').query({ kind: 'refund_stuck', pageSize: 5 }).set(bearer(marketer));
      expect(list.status).toBe(200);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
      expect(list.body.items.every((a: { kind: string }) => a.kind === 'refund_stuck')).toBe(true);
      const target = list.body.items[0];
      expect(target).toMatchObject({ status: 'open', resolvedAt: null, details: expect.objectContaining({ orderId: expect.any(Number) }) });

      expect((await h.http.get('/api/admin/alerts').set(bearer(manager))).status).toBe(403);
      expect((await h.http.get('/api/admin/alerts/count').set(bearer(manager))).status).toBe(403);
      expect((await h.http.post(`/api/admin/alerts/${target.id}/resolve`).set(bearer(marketer)).send({ resolution: '已查' })).status).toBe(403);
      expect((await h.http.post(`/api/admin/alerts/${target.id}/resolve`).set(bearer(admin)).send({ resolution: '   ' })).status).toBe(400);

      const ok = await h.http.post(`/api/admin/alerts/${target.id}/resolve`).set(bearer(admin)).send({ resolution: '已在商户平台核实，退款成功' });
      expect(ok.status).toBe(200);
      expect(ok.body.alert).toMatchObject({ id: target.id, status: 'resolved', resolution: '已在商户平台核实，退款成功', resolvedBy: expect.any(Number), resolvedAt: expect.any(String) });
      const again = await h.http.post(`/api/admin/alerts/${target.id}/resolve`).set(bearer(admin)).send({ resolution: '再次处理' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALERT_ALREADY_RESOLVED');
      expect((await h.http.post('/api/admin/alerts/99999999/resolve').set(bearer(admin)).send({ resolution: 'x' })).status).toBe(404);

      expect((await h.http.get('/api/admin/alerts/count').set(bearer(admin))).body).toEqual({ open: openBefore - 1 });
      const resolved = await h.http.get('/api/admin/alerts').query({ status: 'resolved' }).set(bearer(admin));
      expect(resolved.body.items.map((a: { id: number }) => a.id)).toEqual([target.id]);
      const row = await h.deps.db.read((em) => em.getRepository(Alert).findOneByOrFail({ id: target.id }));
      expect(row.resolution).toBe('已在商户平台核实，退款成功');
      const audited = await h.deps.db.read((em) => em.getRepository(AuditLog).findBy({ action: 'alert.resolve', targetId: String(target.id) }));
      expect(audited).toHaveLength(1);
      expect(JSON.parse(audited[0].details!)).toMatchObject({ kind: 'refund_stuck', resolution: '已在商户平台核实，退款成功' });

      const bad = await h.http.get('/api/admin/alerts').query({ kind: 'nope' }).set(bearer(admin));
      expect(bad.status).toBe(400);
    });

    it('two admins resolving at once: one wins, the other gets 409', async () => {
      const h = get();
      await h.deps.db.transaction((tx) => raiseAlert(h.ctx, tx, { kind: 'outbox_dead', refType: 'outbox_event', refId: 'race-1', summary: 'race' }));
      const a = (await alerts(h)).find((x) => x.refId === 'race-1')!;
      const other = staffToken(h, (await makeStaff(h, 'admin')).staff.id);
      const results = await Promise.all([admin, other].map((t) => h.http.post(`/api/admin/alerts/${a.id}/resolve`).set(bearer(t)).send({ resolution: '处理' })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const audited = await h.deps.db.read((em) => em.getRepository(AuditLog).findBy({ action: 'alert.resolve', targetId: String(a.id) }));
      expect(audited).toHaveLength(1);
    });
  },
  { pay: true },
);
