import type { OrderView, PaymentParams } from '@o2o/shared';
import { orderOf, PARAMS } from './fixtures';
import { ApiError } from '../src/api/api-error';
import { Checkout, newIdempotencyKey, type CheckoutDeps, type CheckoutState } from '../src/checkout/checkout';
import { describeCheckoutError } from '../src/utils/error-message';

const BODY = { storeId: 1, items: [{ sku: 'NUT-001', quantity: 2 }] };

const apiError = (code: string, status = 409) => new ApiError({ status, code, message: code, requestId: 'r' });

function setup(over: Partial<CheckoutDeps> = {}) {
  let keys = 0;
  const deps = {
    createOrder: jest.fn(async () => ({ order: orderOf('created'), payment: PARAMS })),
    getOrder: jest.fn(async () => orderOf('paid')),
    requestOrderPayment: jest.fn(async () => ({ ...PARAMS, nonceStr: 'again' })),
    pay: jest.fn(async () => 'ok' as const),
    newKey: jest.fn(() => `key-${++keys}-abcdef`),
    describe: describeCheckoutError,
    sleep: jest.fn(async () => undefined),
    pollAttempts: 4,
    pollIntervalMs: 1000,
    ...over,
  } satisfies CheckoutDeps;
  const checkout = new Checkout(deps);
  const phases: CheckoutState['phase'][] = [];
  checkout.subscribe((s) => phases.push(s.phase));
  return { checkout, deps, phases };
}

describe('checkout state machine', () => {
  it('creates, pays, confirms with the server and ends paid', async () => {
    const { checkout, deps, phases } = setup();
    await checkout.submit(BODY);
    expect(phases).toEqual(['creating', 'paying', 'confirming', 'paid']);
    expect(deps.createOrder).toHaveBeenCalledWith(BODY, 'key-1-abcdef');
    expect(deps.pay).toHaveBeenCalledWith(PARAMS);
    expect(deps.requestOrderPayment).not.toHaveBeenCalled();
    expect(checkout.current).toMatchObject({ phase: 'paid', order: { pickupCode: '0427' } });
  });

  it('reuses the Idempotency-Key when the same attempt is retried, and takes a new one for a new body', async () => {
    const createOrder = jest
      .fn()
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'timeout' }))
      .mockRejectedValueOnce(apiError('POINTS_INSUFFICIENT'))
      .mockResolvedValue({ order: orderOf('created'), payment: PARAMS });
    const { checkout, deps } = setup({ createOrder });

    await checkout.submit(BODY);
    expect(checkout.current).toEqual({ phase: 'editing', error: { code: 'NETWORK_ERROR', message: '网络不给力，请检查网络后重试' } });
    await checkout.submit(BODY); // the retry of the same attempt
    expect(checkout.current).toEqual({ phase: 'editing', error: { code: 'POINTS_INSUFFICIENT', message: '积分不足，请关闭积分抵现或调整商品' } });
    await checkout.submit({ ...BODY, usePoints: true }); // a different order: a new attempt
    expect(createOrder.mock.calls.map((c) => c[1])).toEqual(['key-1-abcdef', 'key-1-abcdef', 'key-2-abcdef']);
    expect(deps.newKey).toHaveBeenCalledTimes(2);
    expect(checkout.current.phase).toBe('paid');
  });

  it('after a cancelled payment pays the same order again with fresh parameters, never a second order', async () => {
    const pay = jest.fn().mockResolvedValueOnce('cancel').mockRejectedValueOnce(new Error('requestPayment:fail')).mockResolvedValue('ok');
    const { checkout, deps } = setup({ pay });
    await checkout.submit(BODY);
    expect(checkout.current).toMatchObject({ phase: 'unpaid', error: { code: 'PAY_CANCELLED' } });
    await checkout.submit(BODY);
    expect(checkout.current).toMatchObject({ phase: 'unpaid', error: { code: 'PAY_FAILED', message: '支付未完成，请重试' } });
    await checkout.submit(BODY);
    expect(checkout.current.phase).toBe('paid');
    expect(deps.createOrder).toHaveBeenCalledTimes(1);
    expect(deps.requestOrderPayment).toHaveBeenCalledTimes(2);
    expect(deps.requestOrderPayment).toHaveBeenCalledWith(42);
    expect(pay.mock.calls[2][0]).toMatchObject({ nonceStr: 'again' });
  });

  it('polls until the server says paid (a client "ok" is not proof), tolerating lost answers', async () => {
    const getOrder = jest
      .fn()
      .mockResolvedValueOnce(orderOf('created'))
      .mockRejectedValueOnce(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'x' }))
      .mockResolvedValue(orderOf('paid'));
    const { checkout, deps, phases } = setup({ getOrder });
    await checkout.submit(BODY);
    expect(getOrder).toHaveBeenCalledTimes(3);
    expect(deps.sleep).toHaveBeenCalledTimes(2);
    expect(deps.sleep).toHaveBeenCalledWith(1000);
    expect(phases).toEqual(['creating', 'paying', 'confirming', 'paid']);
  });

  it('stops polling after the bound with a pending state, and a recheck polls again', async () => {
    const getOrder = jest.fn().mockResolvedValue(orderOf('created'));
    const { checkout, deps } = setup({ getOrder });
    await checkout.submit(BODY);
    expect(getOrder).toHaveBeenCalledTimes(4);
    expect(deps.sleep).toHaveBeenCalledTimes(3);
    expect(checkout.current.phase).toBe('pending');

    getOrder.mockResolvedValue(orderOf('paid'));
    await checkout.submit(BODY); // the button in pending re-checks, it does not pay again
    expect(checkout.current.phase).toBe('paid');
    expect(deps.pay).toHaveBeenCalledTimes(1);
    expect(deps.createOrder).toHaveBeenCalledTimes(1);
  });

  it('ORDER_NOT_PAYABLE on paying again: paid after all → paid; closed → closed with the Chinese message', async () => {
    const pay = jest.fn().mockResolvedValueOnce('cancel');
    const requestOrderPayment = jest.fn().mockRejectedValue(apiError('ORDER_NOT_PAYABLE'));
    const getOrder = jest.fn().mockResolvedValue(orderOf('closed'));
    const { checkout } = setup({ pay, requestOrderPayment, getOrder });
    await checkout.submit(BODY);
    await checkout.submit(BODY);
    expect(checkout.current).toMatchObject({ phase: 'closed', error: { message: '订单已关闭或已超过支付时间，请重新下单' } });

    const late = setup({ pay: jest.fn().mockResolvedValueOnce('cancel'), requestOrderPayment, getOrder: jest.fn().mockResolvedValue(orderOf('paid')) });
    await late.checkout.submit(BODY);
    await late.checkout.submit(BODY);
    expect(late.checkout.current.phase).toBe('paid');
  });

  it('ignores a second submit while one is in flight', async () => {
    let release!: () => void;
    const createOrder = jest.fn(
      () => new Promise<{ order: OrderView; payment: PaymentParams }>((r) => (release = () => r({ order: orderOf('created'), payment: PARAMS }))),
    );
    const { checkout } = setup({ createOrder });
    const first = checkout.submit(BODY);
    await checkout.submit(BODY);
    release();
    await first;
    expect(createOrder).toHaveBeenCalledTimes(1);
  });

  it('shows PRODUCT_UNAVAILABLE and PAYMENT_NOT_CONFIGURED in Chinese', async () => {
    for (const [code, text] of [
      ['PRODUCT_UNAVAILABLE', '部分商品已下架或售罄，请返回菜单调整'],
      ['PAYMENT_NOT_CONFIGURED', '门店暂未开通微信支付，请到店付款'],
    ]) {
      const { checkout } = setup({ createOrder: jest.fn().mockRejectedValue(apiError(code)) });
      await checkout.submit(BODY);
      expect(checkout.current).toEqual({ phase: 'editing', error: { code, message: text } });
    }
  });

  it('makes keys the server accepts, different each time', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
    expect(a).not.toBe(b);
  });
});
