import { X509Certificate } from 'node:crypto';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import WxPay from 'wechatpay-node-v3';
import type { IPayRequest } from 'wechatpay-node-v3/dist/lib/pay-request.interface';
import { APPID } from './harness';
import { startPayHarness, startReceiver, uniqueNo, verifiesWith, type PayHarness } from './pay-harness';

/**
 * The product's library, wechatpay-node-v3, against the emulator. It has no base-URL option, so an
 * injected IPayRequest rewrites the host and sends exactly JSON.stringify(params) (what it signed).
 */

interface Captured {
  status: number;
  headers: Headers;
  text: string;
}

function emulatorHttp(baseUrl: string, captured: Captured[]): IPayRequest {
  const call = async (method: string, url: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(url.replace('https://api.mch.weixin.qq.com', baseUrl), { method, headers, body });
    const text = await res.text();
    captured.push({ status: res.status, headers: res.headers, text });
    // The package's own client answers {status, data} on 2xx and {status, error: raw text} otherwise.
    return res.ok ? { status: res.status, data: text ? JSON.parse(text) : undefined } : { status: res.status, error: text };
  };
  return {
    post: (url, params, headers) => call('POST', url, headers, JSON.stringify(params)),
    get: (url, headers) => call('GET', url, headers),
    upload: () => Promise.reject(new Error('upload is not emulated')),
  };
}

function makePay(h: PayHarness, captured: Captured[], serial?: string): WxPay {
  const pay = new WxPay({
    appid: APPID,
    mchid: h.keys.mchid,
    publicKey: Buffer.from(h.keys.merchant.certPem),
    privateKey: Buffer.from(h.keys.merchant.privateKeyPem),
    key: h.keys.apiV3Key,
    ...(serial ? { serial_no: serial } : {}),
  });
  pay.createHttp(emulatorHttp(h.url, captured));
  return pay;
}

describe('WeChat Pay emulator with wechatpay-node-v3', () => {
  let h: PayHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const captured: Captured[] = [];
  beforeAll(async () => {
    h = await startPayHarness();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const order = (no: string) => ({
    description: '春季徒步活动-报名费',
    out_trade_no: no,
    notify_url: receiver.url,
    amount: { total: 9900, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  });

  it('transactions_jsapi gets a prepay_id and a paySign that verifies with the merchant key', async () => {
    const pay = makePay(h, captured, h.keys.merchant.serial);
    const res = await pay.transactions_jsapi(order(uniqueNo()));
    expect(res.status).toBe(200);
    const data = res.data as Record<string, string>;
    expect(data).toEqual({
      appId: APPID,
      timeStamp: expect.stringMatching(/^\d{10}$/),
      nonceStr: expect.any(String),
      package: expect.stringMatching(/^prepay_id=wx\d{34}$/),
      signType: 'RSA',
      paySign: expect.any(String),
    });
    const merchantPublicKey = new X509Certificate(h.keys.merchant.certPem).publicKey;
    const message = Formatter.joinedByLineFeed(data.appId, data.timeStamp, data.nonceStr, data.package);
    expect(message).toBe(`${data.appId}\n${data.timeStamp}\n${data.nonceStr}\n${data.package}\n`);
    expect(Rsa.verify(message, data.paySign, merchantPublicKey)).toBe(true);

    // The response it did not check was signed all the same.
    const last = captured[captured.length - 1];
    expect(verifiesWith(last.headers, last.text, h.keys.platform.publicKeyPem)).toBe(true);

    // The package string is accepted by the pay hook, as the H5 build would pass it.
    expect(h.pay.pay({ prepayId: data.package }).transactionId).toMatch(/^\d{28}$/);
  });

  it('works with the lowercase serial the package derives from the certificate itself', async () => {
    const pay = makePay(h, captured);
    expect((pay as unknown as { serial_no: string }).serial_no).toBe(h.keys.merchant.serial.toLowerCase());
    expect((await pay.transactions_jsapi(order(uniqueNo()))).status).toBe(200);
  });

  it('queries, closes and refunds', async () => {
    const pay = makePay(h, captured, h.keys.merchant.serial);
    const no = uniqueNo();
    await pay.transactions_jsapi(order(no));
    expect((await pay.query({ out_trade_no: no })).data).toMatchObject({ trade_state: 'NOTPAY' });

    const unpaid = uniqueNo();
    await pay.transactions_jsapi(order(unpaid));
    expect((await pay.close(unpaid)).status).toBe(204);
    expect((await pay.query({ out_trade_no: unpaid })).data).toMatchObject({ trade_state: 'CLOSED' });

    const { transactionId } = h.pay.pay({ outTradeNo: no });
    expect((await pay.query({ transaction_id: transactionId })).data).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS' });
    const closePaid = await pay.close(no);
    expect(closePaid).toMatchObject({ status: 400 });
    expect(JSON.parse(closePaid.error as string)).toEqual({ code: 'ORDER_PAID', message: '订单已支付' });

    const outRefundNo = uniqueNo('RF');
    const refund = await pay.refunds({ out_trade_no: no, out_refund_no: outRefundNo, amount: { refund: 9900, total: 9900, currency: 'CNY' } });
    expect(refund).toMatchObject({ status: 200, data: { status: 'PROCESSING', out_refund_no: outRefundNo } });
    await h.pay.idle();
    expect(await pay.find_refunds(outRefundNo)).toMatchObject({ status: 200, data: { status: 'SUCCESS' } });

    const missing = await pay.query({ out_trade_no: 'NO_SUCH_ORDER_3' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.error as string)).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });
});

describe('wechatpay-node-v3 verifySign in certificate mode', () => {
  let h: PayHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    h = await startPayHarness({ signMode: 'certificate' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('downloads the platform certificate from /v3/certificates and verifies a notification with it', async () => {
    const captured: Captured[] = [];
    const pay = makePay(h, captured, h.keys.merchant.serial);
    const no = uniqueNo();
    await pay.transactions_jsapi({
      description: 'cert mode',
      out_trade_no: no,
      notify_url: receiver.url,
      amount: { total: 1 },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    });
    h.pay.pay({ outTradeNo: no });
    await h.pay.idle();
    const [n] = receiver.received;
    expect(n.headers['wechatpay-serial']).toBe(h.keys.platform.certificate.serial);

    const ok = await pay.verifySign({
      timestamp: n.headers['wechatpay-timestamp'] as string,
      nonce: n.headers['wechatpay-nonce'] as string,
      serial: n.headers['wechatpay-serial'] as string,
      signature: n.headers['wechatpay-signature'] as string,
      body: n.body,
    });
    expect(ok).toBe(true);
    // It fetched the certificate through the injected client.
    expect(captured.some((c) => c.text.includes('encrypt_certificate'))).toBe(true);

    const resource = JSON.parse(n.body).resource;
    expect(pay.decipher_gcm(resource.ciphertext, resource.associated_data, resource.nonce)).toMatchObject({ out_trade_no: no });
  });
});
