import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import type { PayEmulatorOptions, PayKeyMaterial } from '../../src/emulator';
import {
  jsapiBody,
  startPayHarness,
  startReceiver,
  uniqueNo,
  verifiesWith,
  type PayHarness,
  type ReceivedNotification,
} from './pay-harness';

/**
 * Notifications as the merchant sees them: a loopback receiver checks them with wechatpay-axios-plugin's
 * verifier and AES-GCM (code we did not write). Delays are scaled (timeScale 0.001) so retries take ms.
 */

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const T0 = Date.UTC(2025, 0, 1, 2, 0, 0); // 10:00 in Beijing

let open: Array<{ close(): Promise<void> }> = [];

async function setup(opts: Partial<PayEmulatorOptions> & { clockAt?: number } = {}, answer?: Parameters<typeof startReceiver>[0]) {
  const h = await startPayHarness(opts);
  const receiver = await startReceiver(answer);
  open.push(h, receiver);
  return { h, receiver };
}

afterEach(async () => {
  for (const x of open) await x.close();
  open = [];
});

async function order(h: PayHarness, notifyUrl: string, extra: Record<string, unknown> = {}) {
  const no = uniqueNo();
  const res = await h.request('POST', '/v3/pay/transactions/jsapi', jsapiBody(h.keys, no, notifyUrl, extra));
  expect(res.status).toBe(200);
  return { no, prepayId: (res.json as { prepay_id: string }).prepay_id };
}

async function paidOrder(h: PayHarness, notifyUrl: string) {
  const o = await order(h, notifyUrl);
  return { ...o, ...h.pay.pay({ prepayId: o.prepayId }) };
}

/** What a merchant does with a notification: verify (by serial), then decrypt with tag check. */
function openNotification(n: ReceivedNotification, keys: PayKeyMaterial) {
  const serial = n.headers['wechatpay-serial'];
  const publicKey = serial === keys.platform.publicKeyId ? keys.platform.publicKeyPem : keys.platform.certificate.certPem;
  expect(
    Rsa.verify(
      Formatter.response(n.headers['wechatpay-timestamp'] as string, n.headers['wechatpay-nonce'] as string, n.body),
      n.headers['wechatpay-signature'] as string,
      Rsa.from(publicKey, 'public'),
    ),
  ).toBe(true);
  const envelope = JSON.parse(n.body);
  const r = envelope.resource;
  const resource = JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, keys.apiV3Key, r.nonce, r.associated_data));
  return { envelope, resource };
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WeChat Pay emulator: payment notifications', () => {
  it('delivers a TRANSACTION.SUCCESS that verifies, decrypts and carries the emulator clock', async () => {
    const { h, receiver } = await setup({ clockAt: T0 });
    const { no, transactionId } = await paidOrder(h, receiver.url);
    await h.pay.idle();

    expect(receiver.received).toHaveLength(1);
    const [n] = receiver.received;
    expect(n.headers['content-type']).toBe('application/json');
    expect(n.headers['wechatpay-serial']).toBe(h.keys.platform.publicKeyId);
    expect(n.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
    expect(n.headers['wechatpay-timestamp']).toBe(String(T0 / 1000));

    const { envelope, resource } = openNotification(n, h.keys);
    expect(Object.keys(envelope)).toEqual(['id', 'create_time', 'resource_type', 'event_type', 'summary', 'resource']);
    expect(envelope).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      create_time: '2025-01-01T10:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: expect.any(String),
        associated_data: 'transaction',
        nonce: expect.stringMatching(/^[0-9A-Za-z]{12}$/),
      },
    });
    expect(resource).toEqual({
      appid: expect.any(String),
      mchid: h.keys.mchid,
      out_trade_no: no,
      transaction_id: transactionId,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: 'campaign=42',
      success_time: '2025-01-01T10:00:00+08:00',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
      promotion_detail: [],
    });
    // The same thing the query endpoint reports.
    expect(h.pay.order(no)?.transaction).toEqual(resource);
    // The tag is checked: the wrong AAD does not decrypt.
    const r = envelope.resource;
    expect(() => Aes.AesGcm.decrypt(r.ciphertext, h.keys.apiV3Key, r.nonce, 'refund')).toThrow();

    expect(h.pay.deliveries()).toEqual([
      expect.objectContaining({ notificationId: envelope.id, url: receiver.url, attempt: 1, copy: 0, probe: false, status: 204, acked: true }),
    ]);
    expect(h.pay.notifications()[0]).toMatchObject({ id: envelope.id, status: 'acked', attempts: 1 });
  });

  it('retries on the (scaled) schedule: 500, 500, then 204 is exactly 3 attempts', async () => {
    const { h, receiver } = await setup({}, (_req, i) => (i < 2 ? 500 : 204));
    await paidOrder(h, receiver.url);
    await h.pay.idle();

    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1); // the same notification…
    expect(new Set(receiver.received.map((r) => r.headers['wechatpay-nonce'])).size).toBe(3); // …signed afresh each time
    for (const r of receiver.received) openNotification(r, h.keys);

    const d = h.pay.deliveries();
    expect(d.map((x) => [x.attempt, x.status, x.acked])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 204, true],
    ]);
    // WeChat's 15 s, 15 s at timeScale 0.001.
    expect(d[1].elapsedMs - d[0].elapsedMs).toBeGreaterThanOrEqual(14);
    expect(d[2].elapsedMs - d[1].elapsedMs).toBeGreaterThanOrEqual(14);
    expect(h.pay.notifications()[0]).toMatchObject({ status: 'acked', attempts: 3 });
  });

  it('gives up after the last retry', async () => {
    const { h, receiver } = await setup({ retryScheduleMs: [5, 10] }, () => 503);
    await paidOrder(h, receiver.url);
    await h.pay.idle();
    expect(receiver.received).toHaveLength(3);
    expect(h.pay.notifications()[0]).toMatchObject({ status: 'gave_up', attempts: 3 });
  });

  it('treats a late answer and a refused connection as failures', async () => {
    const { h, receiver } = await setup({ deliveryTimeoutMs: 100, retryScheduleMs: [1, 1] }, (_req, i) =>
      i === 0 ? { status: 200, delayMs: 400 } : 200,
    );
    await paidOrder(h, receiver.url);
    await h.pay.idle();
    const d = h.pay.deliveries();
    expect(d[0]).toMatchObject({ acked: false, error: 'no answer within 100 ms' });
    expect(d[1]).toMatchObject({ acked: true, status: 200 });

    const gone = await startReceiver();
    const deadUrl = gone.url;
    await gone.close();
    const { notificationId } = await paidOrder(h, deadUrl);
    await h.pay.idle();
    const failed = h.pay.deliveries().filter((x) => x.notificationId === notificationId);
    expect(failed).toHaveLength(3);
    expect(failed[0].error).toMatch(/ECONNREFUSED/);
    expect(h.pay.notifications().find((n) => n.id === notificationId)?.status).toBe('gave_up');
  });

  it('dropRate 1 never sends; redeliver sends it anyway', async () => {
    const { h, receiver } = await setup();
    h.pay.setFaults({ dropRate: 1 });
    const { notificationId } = await paidOrder(h, receiver.url);
    await h.pay.idle();
    expect(receiver.received).toHaveLength(0);
    expect(h.pay.deliveries()).toEqual([expect.objectContaining({ notificationId, dropped: true, acked: false })]);
    expect(h.pay.notifications()[0].status).toBe('dropped');

    const first = await h.pay.redeliver(notificationId);
    expect(first).toMatchObject({ acked: true, attempt: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(openNotification(receiver.received[0], h.keys).envelope.id).toBe(notificationId);
  });

  it('duplicate sends extra identical copies concurrently', async () => {
    const { h, receiver } = await setup();
    h.pay.setFaults({ duplicate: 2 });
    const { notificationId } = await paidOrder(h, receiver.url);
    await h.pay.idle();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(h.pay.deliveries().map((d) => [d.attempt, d.copy, d.acked])).toEqual([
      [1, 0, true],
      [1, 1, true],
      [1, 2, true],
    ]);
    expect(openNotification(receiver.received[2], h.keys).envelope.id).toBe(notificationId);
  });

  it('reorder holds notifications and releases them shuffled (seeded)', async () => {
    const { h, receiver } = await setup();
    h.pay.setFaults({ reorder: true, seed: 7 });
    const created: string[] = [];
    for (let i = 0; i < 6; i++) created.push((await paidOrder(h, receiver.url)).no);
    await h.pay.idle(); // held notifications do not count as pending
    expect(receiver.received).toHaveLength(0);
    expect(h.pay.notifications().every((n) => n.status === 'held')).toBe(true);

    expect(h.pay.releaseHeld()).toBe(6);
    await h.pay.idle();
    const arrived = receiver.received.map((r) => openNotification(r, h.keys).resource.out_trade_no as string);
    expect([...arrived].sort()).toEqual([...created].sort());
    expect(arrived).not.toEqual(created);

    // Switching reorder off releases whatever is still held.
    h.pay.setFaults({ reorder: true });
    await paidOrder(h, receiver.url);
    h.pay.setFaults({});
    await h.pay.idle();
    expect(receiver.received).toHaveLength(7);
  });

  it('signTest sends a WECHATPAY/SIGNTEST/ probe first; a verifying merchant rejects it', async () => {
    let keys: PayKeyMaterial | undefined;
    const { h, receiver } = await setup({}, (req) => {
      const sig = String(req.headers['wechatpay-signature']);
      const ok = !sig.startsWith('WECHATPAY/SIGNTEST/') && verifiesWith(req.headers, req.body, keys!.platform.publicKeyPem);
      return ok ? 204 : 401;
    });
    keys = h.keys;
    h.pay.setFaults({ signTest: true });
    await paidOrder(h, receiver.url);
    await h.pay.idle();

    expect(receiver.received).toHaveLength(2);
    expect(String(receiver.received[0].headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//);
    expect(h.pay.deliveries().map((d) => [d.attempt, d.probe, d.status, d.acked])).toEqual([
      [1, true, 401, false],
      [1, false, 204, true],
    ]);
  });

  it('redelivers an acknowledged notification as a new series (merchant crashed before answering)', async () => {
    const { h, receiver } = await setup();
    const { notificationId } = await paidOrder(h, receiver.url);
    await h.pay.idle();
    const again = await h.pay.redeliver(notificationId);
    expect(again).toMatchObject({ attempt: 2, acked: true });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    await expect(h.pay.redeliver('no-such-id')).rejects.toThrow(/unknown notification/);
  });

  it('stop() cancels pending retries and sends nothing more', async () => {
    const { h, receiver } = await setup({ timeScale: 1 }, () => 500); // first retry would be in 15 s
    await paidOrder(h, receiver.url);
    await waitFor(() => h.pay.deliveries()[0]?.status === 500);
    h.pay.stop();
    await h.pay.idle(); // resolves at once: the 15 s timer is gone
    await new Promise((r) => setTimeout(r, 30));
    expect(receiver.received).toHaveLength(1);
  });
});

describe('WeChat Pay emulator: certificate mode', () => {
  it('signs notifications with the platform certificate and serves it from /v3/certificates', async () => {
    const { h, receiver } = await setup({ signMode: 'certificate' });
    await paidOrder(h, receiver.url);
    await h.pay.idle();
    const [n] = receiver.received;
    expect(n.headers['wechatpay-serial']).toBe(h.keys.platform.certificate.serial);
    expect(verifiesWith(n.headers, n.body, h.keys.platform.certificate.certPem)).toBe(true);
    expect(verifiesWith(n.headers, n.body, h.keys.platform.publicKeyPem)).toBe(false);
    openNotification(n, h.keys);

    // The plugin verifies this response against the certificate's key (certificate mode).
    const res = await h.wxpay.v3.certificates.get();
    expect(res.headers['wechatpay-serial']).toBe(h.keys.platform.certificate.serial);
    const [cert] = (res.data as { data: Array<Record<string, any>> }).data;
    expect(cert).toMatchObject({
      serial_no: h.keys.platform.certificate.serial,
      effective_time: expect.stringMatching(/\+08:00$/),
      expire_time: expect.stringMatching(/\+08:00$/),
      encrypt_certificate: { algorithm: 'AEAD_AES_256_GCM', associated_data: 'certificate', nonce: expect.stringMatching(/^\w{12}$/) },
    });
    const e = cert.encrypt_certificate;
    expect(Aes.AesGcm.decrypt(e.ciphertext, h.keys.apiV3Key, e.nonce, e.associated_data)).toBe(h.keys.platform.certificate.certPem);
  });
});

describe('WeChat Pay emulator: refund notifications', () => {
  const refundUrl = (r: Receiver) => r.url.replace('/notify', '/refund-notify');
  const refundEvents = (r: Receiver) => r.received.filter((x) => x.headers['wechatpay-serial'] && JSON.parse(x.body).event_type.startsWith('REFUND.'));

  async function refund(h: PayHarness, r: Receiver, no: string, amount = 9900) {
    const outRefundNo = uniqueNo('RF');
    const res = await h.request('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: outRefundNo,
      notify_url: refundUrl(r),
      amount: { refund: amount, total: 9900, currency: 'CNY' },
    });
    expect(res.status).toBe(200);
    return { outRefundNo, refundId: (res.json as { refund_id: string }).refund_id };
  }

  it('REFUND.SUCCESS: AAD and original_type "refund", fields per §4.9', async () => {
    const { h, receiver } = await setup({ clockAt: T0 });
    const { no, transactionId } = await paidOrder(h, receiver.url);
    const { outRefundNo, refundId } = await refund(h, receiver, no, 100);
    await h.pay.idle();

    const [n] = refundEvents(receiver);
    expect(n).toBeDefined();
    const { envelope, resource } = openNotification(n, h.keys);
    expect(envelope).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      summary: '退款成功',
      resource: { original_type: 'refund', associated_data: 'refund', algorithm: 'AEAD_AES_256_GCM' },
    });
    expect(resource).toEqual({
      mchid: h.keys.mchid,
      out_trade_no: no,
      transaction_id: transactionId,
      out_refund_no: outRefundNo,
      refund_id: refundId,
      refund_status: 'SUCCESS',
      success_time: '2025-01-01T10:00:00+08:00',
      user_received_account: '支付用户零钱',
      amount: { total: 9900, refund: 100, payer_total: 9900, payer_refund: 100 },
    });
    expect(h.pay.order(no)?.transaction.trade_state).toBe('REFUND');
  });

  it.each(['CLOSED', 'ABNORMAL'] as const)('refundOutcome %s ends the refund that way and notifies it', async (outcome) => {
    const { h, receiver } = await setup();
    const { no } = await paidOrder(h, receiver.url);
    h.pay.setFaults({ refundOutcome: outcome });
    const { outRefundNo } = await refund(h, receiver, no);
    await h.pay.idle();

    const [n] = refundEvents(receiver);
    const { envelope, resource } = openNotification(n, h.keys);
    expect(envelope.event_type).toBe(`REFUND.${outcome}`);
    expect(resource).toMatchObject({ out_refund_no: outRefundNo, refund_status: outcome });
    expect(resource).not.toHaveProperty('success_time');
    expect(h.pay.refund(outRefundNo)).toMatchObject({ status: outcome });
    expect(h.pay.order(no)?.transaction.trade_state).toBe('SUCCESS');

    // A closed refund gives the money back to refund again; an abnormal one still holds it.
    h.pay.setFaults({});
    const retry = await h.request('POST', '/v3/refund/domestic/refunds', {
      out_trade_no: no,
      out_refund_no: uniqueNo('RF'),
      amount: { refund: 9900, total: 9900, currency: 'CNY' },
    });
    expect(retry.status).toBe(outcome === 'CLOSED' ? 200 : 400);
  });
});

describe('WeChat Pay emulator: HTTP control', () => {
  async function control(h: PayHarness, method: string, path: string, body?: unknown) {
    const res = await fetch(`${h.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('pays, reports orders and deliveries, and validates faults', async () => {
    const { h, receiver } = await setup();
    const { no, prepayId } = await order(h, receiver.url);

    expect(await control(h, 'POST', '/__emulator/pay', {})).toMatchObject({ status: 400 });
    expect(await control(h, 'POST', '/__emulator/pay', { prepayId: 'wx0000' })).toMatchObject({ status: 404 });
    const paid = await control(h, 'POST', '/__emulator/pay', { prepayId });
    expect(paid).toEqual({
      status: 200,
      json: { outTradeNo: no, transactionId: expect.stringMatching(/^\d{28}$/), notificationId: expect.any(String) },
    });
    expect(await control(h, 'POST', '/__emulator/pay', { outTradeNo: no })).toMatchObject({ status: 409 });
    await h.pay.idle();

    const o = await control(h, 'GET', `/__emulator/pay/orders/${no}`);
    expect(o.json).toMatchObject({ prepayId, transaction: { trade_state: 'SUCCESS', transaction_id: paid.json.transactionId }, refunds: [] });
    expect((await control(h, 'GET', '/__emulator/pay/orders/NOPE_NOPE')).status).toBe(404);

    const d = await control(h, 'GET', '/__emulator/pay/deliveries');
    expect(d.json.items).toEqual([expect.objectContaining({ notificationId: paid.json.notificationId, acked: true })]);
    expect(d.json.notifications).toEqual([expect.objectContaining({ id: paid.json.notificationId, status: 'acked' })]);

    expect((await control(h, 'POST', '/__emulator/pay/faults', { dropRate: 2 })).status).toBe(400);
    expect((await control(h, 'POST', '/__emulator/pay/faults', { nonsense: true })).status).toBe(400);
    expect((await control(h, 'POST', '/__emulator/pay/faults', { refundOutcome: 'LOST' })).status).toBe(400);
    expect(await control(h, 'POST', '/__emulator/pay/faults', { duplicate: 1, seed: 3 })).toEqual({ status: 200, json: { duplicate: 1, seed: 3 } });
    expect((await control(h, 'GET', '/__emulator/pay/faults')).json).toEqual({ duplicate: 1, seed: 3 });

    const re = await control(h, 'POST', '/__emulator/pay/redeliver', { notificationId: paid.json.notificationId });
    expect(re.json).toMatchObject({ attempt: 2, acked: true });
    expect((await control(h, 'POST', '/__emulator/pay/redeliver', { notificationId: 'nope' })).status).toBe(404);
    expect(await control(h, 'POST', '/__emulator/pay/release')).toEqual({ status: 200, json: { released: 0 } });
  });
});
