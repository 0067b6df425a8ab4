import { describeEachDb } from '../helpers/harness';
import { member, placeOrder } from '../helpers/flows';
import { makeProduct, makeStore } from '../helpers/fixtures';
import { mapPool } from '../helpers/pool';
import { buildNotification, deliver, paidTransaction } from '../helpers/wechatpay-notify';
import { Order } from '../../src/modules/payment/order.entity';
import { PayNotification } from '../../src/modules/payment/pay-notification.entity';
import { PointsLedger } from '../../src/modules/points/points-ledger.entity';
import { Customer } from '../../src/modules/customer/customer.entity';
import { groupSettler } from '../../src/modules/payment/group-settler';

describeEachDb(
  'notification storm: every copy of every notification at once',
  (get) => {
    it('N orders × 20 concurrent copies → N paid, N point credits, 0 non-2xx', async () => {
      const h = get();
      // MariaDB carries the full 200 × 20; SQLite (one writer) a smaller storm of the same shape.
      const orders = h.target === 'mysql' ? 200 : 40;
      const copies = 20;
      const storeId = (await makeStore(h)).id;
      const sku = (await makeProduct(h, { priceFen: 1234 })).sku;
      const placed = await mapPool(Array.from({ length: orders }, (_, i) => i), 8, async (i) => {
        const m = await member(h, String(13700000000 + i));
        const res = await placeOrder(h, m.token, { storeId, items: [{ sku, quantity: 1 }] });
        if (res.status !== 201) throw new Error(JSON.stringify(res.body));
        return { customerId: m.customerId, order: res.body.order };
      });
      const built = placed.map((p) => buildNotification(h.pay!.keys, paidTransaction(h, p.order)));
      const sends = built.flatMap((n) => Array.from({ length: copies }, () => n));
      // shuffle so that copies of one notification race each other and other orders
      for (let i = sends.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [sends[i], sends[j]] = [sends[j], sends[i]];
      }
      const before = { ...groupSettler(h.deps.db).stats };
      const statuses = await mapPool(sends, 64, async (n) => (await deliver(h, n)).status);
      expect(statuses.filter((s) => s !== 204)).toEqual([]);
      // The storm went through group settlement (copies of a settled order are answered from the record).
      expect(groupSettler(h.deps.db).stats.done - before.done).toBeGreaterThan(0);

      const ids = placed.map((p) => p.order.id);
      const customerIds = placed.map((p) => p.customerId);
      const { paid, notes, credits, balances } = await h.deps.db.read(async (em) => ({
        paid: await em.getRepository(Order).createQueryBuilder('o').where('o.id IN (:...ids) AND o.status = :s', { ids, s: 'paid' }).getCount(),
        notes: await em.getRepository(PayNotification).createQueryBuilder('n').where('n.notify_id IN (:...ids)', { ids: built.map((b) => b.id) }).getCount(),
        credits: await em.getRepository(PointsLedger).createQueryBuilder('l').where('l.customer_id IN (:...c) AND l.reason = :r', { c: customerIds, r: 'purchase' }).getMany(),
        balances: await em.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.pointsBalance', 'c.orderCount']).where('c.id IN (:...c)', { c: customerIds }).getMany(),
      }));
      expect(paid).toBe(orders);
      expect(notes).toBe(orders);
      expect(credits).toHaveLength(orders);
      expect(credits.every((c) => c.delta === 12)).toBe(true);
      expect(balances.every((c) => c.pointsBalance === 1000 + 12 && c.orderCount === 1)).toBe(true);
    }, 180_000);
  },
  { pay: true },
);
