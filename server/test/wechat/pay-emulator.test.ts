import { generateKeyPairSync } from 'node:crypto';
import type { AxiosError, AxiosResponse } from 'axios';
import { jsapiBody, startPayHarness, startReceiver, uniqueNo, verifiesWith, type PayHarness } from './pay-harness';

/** WeChat Pay APIv3 endpoints, driven by wechatpay-axios-plugin (an implementation we did not write). */

/** A loopback receiver (set in beforeAll), so notifications of paid orders are acknowledged. */
let NOTIFY = '';

async function axiosError(p: Promise<unknown>): Promise<AxiosResponse> {
  try {
    await p;
  } catch (err) {
    const res = (err as AxiosError).response;
    if (res) return res;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('WeChat Pay emulator: APIv3 endpoints', () => {
  let h: PayHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    h = await startPayHarness();
    receiver = await startReceiver();
    NOTIFY = receiver.url;
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const jsapi = (body: Record<string, unknown>) => h.wxpay.v3.pay.transactions.jsapi.post(body);
  const query = (no: string) => h.wxpay.v3.pay.transactions.outTradeNo['{out_trade_no}'].get({ params: { mchid: h.keys.mchid }, out_trade_no: no });
  const newOrder = async (no = uniqueNo(), extra: Record<string, unknown> = {}) => {
    const res = await jsapi(jsapiBody(h.keys, no, NOTIFY, extra));
    return { no, prepayId: (res.data as { prepay_id: string }).prepay_id };
  };

  describe('JSAPI prepay', () => {
    it('answers a prepay_id in a response the plugin verified (public-key mode)', async () => {
      const res = await jsapi(jsapiBody(h.keys, uniqueNo(), NOTIFY));
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ prepay_id: expect.stringMatching(/^wx\d{34}$/) });
      expect(res.headers['wechatpay-serial']).toBe(h.keys.platform.publicKeyId);
      expect(res.headers['wechatpay-signature-type']).toBe('WECHATPAY2-SHA256-RSA2048');
      expect(res.headers['request-id']).toMatch(/^[0-9A-F]{40}$/);
    });

    it('gives the same prepay_id for an identical re-order and INVALID_REQUEST for changed parameters', async () => {
      const no = uniqueNo();
      const a = await jsapi(jsapiBody(h.keys, no, NOTIFY));
      // Same parameters in another key order are still identical.
      const reordered = Object.fromEntries(Object.entries(jsapiBody(h.keys, no, NOTIFY)).reverse());
      const b = await jsapi(reordered);
      expect(b.data).toEqual(a.data);

      const changed = await axiosError(jsapi(jsapiBody(h.keys, no, NOTIFY, { amount: { total: 1, currency: 'CNY' } })));
      expect(changed.status).toBe(400);
      expect(changed.data).toMatchObject({ code: 'INVALID_REQUEST' });
    });

    it('answers OUT_TRADE_NO_USED for a paid or closed out_trade_no', async () => {
      const paid = await newOrder();
      h.pay.pay({ prepayId: paid.prepayId });
      const again = await axiosError(jsapi(jsapiBody(h.keys, paid.no, NOTIFY)));
      expect(again.status).toBe(403);
      expect(again.data).toMatchObject({ code: 'OUT_TRADE_NO_USED' });

      const closed = await newOrder();
      await h.wxpay.v3.pay.transactions.outTradeNo['{out_trade_no}'].close.post({ mchid: h.keys.mchid }, { out_trade_no: closed.no });
      expect((await axiosError(jsapi(jsapiBody(h.keys, closed.no, NOTIFY)))).status).toBe(403);
    });

    it.each([
      ['missing payer.openid', { payer: {} }, /“\/body\/payer\/openid”.*必填性规则校验失败，此字段为必填项/],
      ['description over 127 bytes', { description: '报'.repeat(43) }, /description.*字节数 129，大于最大值 127/],
      ['out_trade_no too short', { out_trade_no: 'A1' }, /out_trade_no/],
      ['out_trade_no with bad characters', { out_trade_no: 'ORD#2024-0001' }, /out_trade_no/],
      ['notify_url with a query', { notify_url: 'https://merchant.example.com/notify?x=1' }, /notify_url/],
      ['plain http to a public host', { notify_url: 'http://merchant.example.com/notify' }, /notify_url/],
      ['missing notify_url', { notify_url: undefined }, /notify_url.*必填/],
      ['amount.total 0', { amount: { total: 0, currency: 'CNY' } }, /amount\/total.*小于最小值 1/],
      ['fractional amount', { amount: { total: 99.5 } }, /amount\/total/],
      ['non-CNY currency', { amount: { total: 100, currency: 'USD' } }, /amount\/currency/],
      ['time_expire not RFC 3339', { time_expire: '2024-05-20 14:00:00' }, /time_expire/],
    ])('rejects %s with 400 PARAM_ERROR', async (_name, extra, message) => {
      const res = await axiosError(jsapi(jsapiBody(h.keys, uniqueNo(), NOTIFY, extra)));
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ code: 'PARAM_ERROR', message: expect.stringMatching(message), detail: { location: 'body' } });
    });

    it('accepts https, plain http only for loopback notify URLs, and an RFC 3339 time_expire', async () => {
      await expect(newOrder(uniqueNo(), { notify_url: 'https://merchant.example.com/wxpay/notify' })).resolves.toBeDefined();
      await expect(newOrder(uniqueNo(), { notify_url: 'http://127.0.0.1:3000/wxpay/notify' })).resolves.toBeDefined();
      await expect(newOrder(uniqueNo(), { notify_url: 'http://localhost:3000/wxpay/notify', time_expire: '2030-05-20T14:00:00+08:00' })).resolves.toBeDefined();
    });

    it('rejects an appid the merchant is not bound to and a foreign mchid', async () => {
      const appid = await axiosError(jsapi(jsapiBody(h.keys, uniqueNo(), NOTIFY, { appid: 'wx_someone_else' })));
      expect(appid.status).toBe(400);
      expect(appid.data).toMatchObject({ code: 'APPID_MCHID_NOT_MATCH' });
      const mchid = await axiosError(jsapi(jsapiBody(h.keys, uniqueNo(), NOTIFY, { mchid: '1999999999' })));
      expect(mchid.status).toBe(400);
      expect(mchid.data).toMatchObject({ code: 'INVALID_REQUEST' });
    });
  });

  describe('query and close', () => {
    it('reports an unpaid order without payment fields, then the paid transaction', async () => {
      const { no } = await newOrder();
      const before = await query(no);
      expect(before.data).toEqual({
        appid: expect.any(String),
        mchid: h.keys.mchid,
        out_trade_no: no,
        trade_state: 'NOTPAY',
        trade_state_desc: '订单未支付',
        attach: 'campaign=42',
        amount: { total: 9900, currency: 'CNY', payer_currency: 'CNY' },
        promotion_detail: [],
      });

      const paid = h.pay.pay({ outTradeNo: no });
      const after = await query(no);
      expect(after.data).toMatchObject({
        out_trade_no: no,
        transaction_id: paid.transactionId,
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
      });
      expect(paid.transactionId).toMatch(/^\d{28}$/);

      const byId = await h.wxpay.v3.pay.transactions.id['{transaction_id}'].get({
        params: { mchid: h.keys.mchid },
        transaction_id: paid.transactionId,
      });
      expect(byId.data).toEqual(after.data);
    });

    it('answers 404 ORDER_NOT_EXIST for an unknown order and PARAM_ERROR without mchid', async () => {
      const unknown = await axiosError(query('NO_SUCH_ORDER_1'));
      expect(unknown.status).toBe(404);
      expect(unknown.data).toMatchObject({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      const res = await h.request('GET', `/v3/pay/transactions/out-trade-no/NO_SUCH_ORDER_1`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'PARAM_ERROR', detail: { location: 'query' } });
    });

    it('closes with a signed, empty 204 and shows CLOSED; a paid order answers ORDER_PAID', async () => {
      const { no } = await newOrder();
      const closed = await h.wxpay.v3.pay.transactions.outTradeNo['{out_trade_no}'].close.post({ mchid: h.keys.mchid }, { out_trade_no: no });
      expect(closed.status).toBe(204); // the plugin verified the signature over "ts\nnonce\n\n"
      expect(closed.data).toBe('');
      expect((await query(no)).data).toMatchObject({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });

      // Raw check of the same thing with our own eyes.
      const again = await h.request('POST', `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: h.keys.mchid });
      expect(again.status).toBe(204);
      expect(again.text).toBe('');
      expect(verifiesWith(again.headers, '', h.keys.platform.publicKeyPem)).toBe(true);

      const paid = await newOrder();
      h.pay.pay({ outTradeNo: paid.no });
      const res = await axiosError(
        h.wxpay.v3.pay.transactions.outTradeNo['{out_trade_no}'].close.post({ mchid: h.keys.mchid }, { out_trade_no: paid.no }),
      );
      expect(res.status).toBe(400);
      expect(res.data).toEqual({ code: 'ORDER_PAID', message: '订单已支付' });
    });

    it('refuses to pay a closed order unless told the payment raced the close', async () => {
      const { no } = await newOrder();
      await h.request('POST', `/v3/pay/transactions/out-trade-no/${no}/close`, { mchid: h.keys.mchid });
      expect(() => h.pay.pay({ outTradeNo: no })).toThrow(/closed/);
      const paid = h.pay.pay({ outTradeNo: no, ignoreClosed: true });
      expect((await query(no)).data).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transactionId });
      expect(() => h.pay.pay({ outTradeNo: no })).toThrow(/already paid/);
    });

    it('refuses to pay after time_expire', async () => {
      const expire = new Date(h.clock.now().getTime() + 60_000).toISOString().replace('Z', '+00:00');
      const { prepayId } = await newOrder(uniqueNo(), { time_expire: expire });
      h.clock.advance(61_000);
      try {
        expect(() => h.pay.pay({ prepayId })).toThrow(/time_expire/);
      } finally {
        h.clock.advance(-61_000);
      }
    });
  });

  describe('refunds', () => {
    const refunds = () => h.wxpay.v3.refund.domestic.refunds;
    const apply = (body: Record<string, unknown>) => refunds().post(body);

    async function paidOrder() {
      const { no } = await newOrder();
      const { transactionId } = h.pay.pay({ outTradeNo: no });
      return { no, transactionId };
    }

    it('accepts as PROCESSING, completes to SUCCESS later and marks the order REFUND', async () => {
      const { no, transactionId } = await paidOrder();
      const outRefundNo = uniqueNo('RF');
      const res = await apply({ out_trade_no: no, out_refund_no: outRefundNo, reason: '活动取消', amount: { refund: 9900, total: 9900, currency: 'CNY' } });
      expect(res.data).toMatchObject({
        refund_id: expect.stringMatching(/^\d{29}$/),
        out_refund_no: outRefundNo,
        transaction_id: transactionId,
        out_trade_no: no,
        channel: 'ORIGINAL',
        status: 'PROCESSING',
        create_time: expect.stringMatching(/\+08:00$/),
        amount: { total: 9900, refund: 9900, payer_total: 9900, payer_refund: 9900, currency: 'CNY' },
      });
      expect(res.data).not.toHaveProperty('success_time');

      await h.pay.idle();
      const q = await refunds()['{out_refund_no}'].get({ out_refund_no: outRefundNo });
      expect(q.data).toMatchObject({ status: 'SUCCESS', success_time: expect.stringMatching(/\+08:00$/), refund_id: (res.data as { refund_id: string }).refund_id });
      expect((await query(no)).data).toMatchObject({ trade_state: 'REFUND', trade_state_desc: '订单发生过退款', transaction_id: transactionId });
    });

    it('is idempotent per out_refund_no, even when the retry says another amount', async () => {
      const { transactionId } = await paidOrder();
      const outRefundNo = uniqueNo('RF');
      const first = await apply({ transaction_id: transactionId, out_refund_no: outRefundNo, amount: { refund: 100, total: 9900, currency: 'CNY' } });
      const retry = await apply({ transaction_id: transactionId, out_refund_no: outRefundNo, amount: { refund: 200, total: 9900, currency: 'CNY' } });
      expect((retry.data as { refund_id: string }).refund_id).toBe((first.data as { refund_id: string }).refund_id);
      expect(retry.data).toMatchObject({ amount: { refund: 100 } });
    });

    it('allows partial refunds up to the total and no further', async () => {
      const { no } = await paidOrder();
      const part = (refund: number) => apply({ out_trade_no: no, out_refund_no: uniqueNo('RF'), amount: { refund, total: 9900, currency: 'CNY' } });
      await part(5000);
      await part(4900);
      const over = await axiosError(part(1));
      expect(over.status).toBe(400);
      expect(over.data).toMatchObject({ code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' });
    });

    it('rejects a wrong order total, an unpaid order and an unknown order', async () => {
      const { no } = await paidOrder();
      const wrongTotal = await axiosError(apply({ out_trade_no: no, out_refund_no: uniqueNo('RF'), amount: { refund: 1, total: 100, currency: 'CNY' } }));
      expect(wrongTotal.status).toBe(400);
      expect(wrongTotal.data).toMatchObject({ code: 'INVALID_REQUEST' });

      const unpaid = await newOrder();
      const notPaid = await axiosError(apply({ out_trade_no: unpaid.no, out_refund_no: uniqueNo('RF'), amount: { refund: 1, total: 9900, currency: 'CNY' } }));
      expect(notPaid.status).toBe(400);

      const unknown = await axiosError(apply({ out_trade_no: 'NO_SUCH_ORDER_2', out_refund_no: uniqueNo('RF'), amount: { refund: 1, total: 9900, currency: 'CNY' } }));
      expect(unknown.status).toBe(404);
      expect(unknown.data).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });

      const missingCurrency = await axiosError(apply({ out_trade_no: no, out_refund_no: uniqueNo('RF'), amount: { refund: 1, total: 9900 } }));
      expect(missingCurrency.data).toMatchObject({ code: 'PARAM_ERROR' });

      const unknownRefund = await axiosError(refunds()['{out_refund_no}'].get({ out_refund_no: 'NO_SUCH_REFUND' }));
      expect(unknownRefund.status).toBe(404);
    });
  });

  describe('Authorization', () => {
    const path = () => `/v3/pay/transactions/out-trade-no/${uniqueNo()}?mchid=${h.keys.mchid}`;
    const body = () => jsapiBody(h.keys, uniqueNo(), NOTIFY);

    async function expectSignError(res: Awaited<ReturnType<PayHarness['request']>>, message: string | RegExp) {
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ code: 'SIGN_ERROR', message: expect.stringMatching(message) });
      // Errors are signed too.
      expect(verifiesWith(res.headers, res.text, h.keys.platform.publicKeyPem)).toBe(true);
    }

    it('accepts a correctly hand-signed request (and a lowercase serial_no, as wechatpay-node-v3 sends)', async () => {
      expect((await h.request('POST', '/v3/pay/transactions/jsapi', body())).status).toBe(200);
      expect((await h.request('POST', '/v3/pay/transactions/jsapi', body(), { serial: h.keys.merchant.serial.toLowerCase() })).status).toBe(200);
    });

    it('rejects a signature made with another key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await expectSignError(await h.request('POST', '/v3/pay/transactions/jsapi', body(), { privateKey: other }), '错误的签名，验签失败');
    });

    it('rejects a timestamp more than 5 minutes off the wall clock (what WeChat and merchant SDKs use)', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectSignError(
        await h.request('GET', path(), undefined, { timestamp: now - 301 }),
        'Http头Authorization中的timestamp与发起请求的时间不得超过5分钟',
      );
      await expectSignError(await h.request('GET', path(), undefined, { timestamp: now + 301 }), /timestamp/);
      const ok = await h.request('GET', path(), undefined, { timestamp: now - 299 });
      expect(ok.status).toBe(404); // authenticated; the order just does not exist
    });

    it('rejects a body that differs from the signed one', async () => {
      const signed = body();
      const sent = JSON.stringify({ ...signed, amount: { total: 1, currency: 'CNY' } });
      await expectSignError(await h.request('POST', '/v3/pay/transactions/jsapi', signed, { sendBody: sent }), '错误的签名，验签失败');
    });

    it('rejects a signature over another path or query string', async () => {
      const p = path();
      await expectSignError(await h.request('GET', p, undefined, { sendPath: `${p}&x=1` }), '错误的签名，验签失败');
    });

    it('rejects a missing or malformed header, a foreign mchid and an unknown serial', async () => {
      await expectSignError(await h.request('GET', path(), undefined, { authorization: null }), /Authorization值格式错误/);
      await expectSignError(await h.request('GET', path(), undefined, { authorization: 'Bearer abc' }), /格式错误/);
      await expectSignError(await h.request('GET', path(), undefined, { serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' }), /证书序列号/);
      const foreign = 'WECHATPAY2-SHA256-RSA2048 mchid="1999999999",nonce_str="n",timestamp="1",serial_no="x",signature="x"';
      await expectSignError(await h.request('GET', path(), undefined, { authorization: foreign }), /mchid/);
    });

    it('signs the response with the key the request Wechatpay-Serial names', async () => {
      const certSerial = h.keys.platform.certificate.serial;
      const res = await h.request('POST', '/v3/pay/transactions/jsapi', body(), { headers: { 'Wechatpay-Serial': certSerial } });
      expect(res.status).toBe(200);
      expect(res.headers.get('wechatpay-serial')).toBe(certSerial);
      expect(verifiesWith(res.headers, res.text, h.keys.platform.certificate.certPem)).toBe(true);
      expect(verifiesWith(res.headers, res.text, h.keys.platform.publicKeyPem)).toBe(false);

      const byId = await h.request('POST', '/v3/pay/transactions/jsapi', body(), { headers: { 'Wechatpay-Serial': h.keys.platform.publicKeyId } });
      expect(byId.headers.get('wechatpay-serial')).toBe(h.keys.platform.publicKeyId);
      expect(verifiesWith(byId.headers, byId.text, h.keys.platform.publicKeyPem)).toBe(true);
    });

    it('answers an unknown /v3 path with a signed 404', async () => {
      const res = await h.request('GET', '/v3/pay/no-such-api');
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ code: 'NOT_FOUND' });
      expect(verifiesWith(res.headers, res.text, h.keys.platform.publicKeyPem)).toBe(true);
    });

    it('answers unparsable JSON with a signed PARAM_ERROR', async () => {
      const res = await h.request('POST', '/v3/pay/transactions/jsapi', '{not json');
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: 'PARAM_ERROR' });
      expect(verifiesWith(res.headers, res.text, h.keys.platform.publicKeyPem)).toBe(true);
    });
  });
});
