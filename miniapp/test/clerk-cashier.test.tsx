import { act, fireEvent, render, screen } from '@testing-library/react';
import type { MemberAtTillView, SaleQuoteView, SaleView, StaffView, TSaleQuoteBody } from '@o2o/shared';
import '../src/app';
import { CashierFlow, newReceiptNo } from '../src/clerk/cashier/cashier-flow';
import { PAYMENT_CODE_MESSAGE, routePresented } from '../src/clerk/cashier/presented';
import { describeSaleError } from '../src/clerk/cashier/sale-errors';
import CashierPage from '../src/clerk/pages/cashier/index';
import { staffSession } from '../src/clerk/stores/staff-session';
import { ApiError } from '../src/api/api-error';
import { login, scanCode } from './__mocks__/taro';
import { couponOf, MENU } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/clerk/platform/scan', () => jest.requireActual('../src/clerk/platform/scan.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const CODE = '881234567890123456';
const member: MemberAtTillView = { customerId: 7, phoneMasked: '138****5678', isMember: true, level: 1, pointsBalance: 1000, coupons: [couponOf(5, { title: '满20减5', thresholdFen: 2000, amountOffFen: 500 })] };

/** The server's quote for a body, from the demo menu at member prices (enough to tell bodies apart). */
function quoteOf(body: TSaleQuoteBody): SaleQuoteView {
  const lines = body.items.map((i) => {
    const p = MENU.find((m) => m.sku === i.sku)!;
    const cash = p.memberPriceFen ?? p.priceFen;
    return { sku: p.sku, name: p.name, quantity: i.quantity, unitPriceFen: p.priceFen, unitCashFen: cash, unitPoints: p.memberPoints ?? 0, unitPointsGiven: 0, lineCashFen: cash * i.quantity, paidFen: cash * i.quantity, returnedQuantity: 0 };
  });
  const listFen = lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0);
  const totalFen = lines.reduce((s, l) => s + l.lineCashFen, 0);
  const couponDiscountFen = body.couponId ? 500 : 0;
  const pointsDeductionFen = body.usePoints ? 100 : 0;
  const memberPoints = lines.reduce((s, l) => s + l.unitPoints * l.quantity, 0);
  const payableFen = totalFen - couponDiscountFen - pointsDeductionFen;
  return {
    listFen,
    totalFen,
    memberSavingFen: listFen - totalFen,
    couponDiscountFen,
    pointsDeductionFen,
    pointsUsed: memberPoints + (body.usePoints ? 100 : 0),
    pointsGiven: 0,
    pointsEarned: Math.floor(payableFen / 100),
    payableFen,
    member: { customerId: 7, isMember: true, pointsBalance: 1000 },
    lines,
    couponId: body.couponId ?? null,
  };
}

function saleOf(body: TSaleQuoteBody & { receiptNo: string }): SaleView {
  const q = quoteOf(body);
  const { member: _m, ...amounts } = q;
  return { ...amounts, id: 99, outTradeNo: 'S99', channel: 'clerk', receiptNo: body.receiptNo, status: 'paid', storeId: 1, terminalId: null, staffId: 3, customerId: 7, phoneMasked: '138****5678', refundedFen: 0, pointsBalanceAfter: 1000 - q.pointsUsed + q.pointsEarned, paidAt: '2026-05-20T02:00:00.000Z' };
}

const advance = (ms: number) => act(() => jest.advanceTimersByTimeAsync(ms));
const posts = (calls: FakeCall[], path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);
const typeInto = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-05-20T02:00:00.000Z').getTime() });
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  staffSession.set({ token: 'staff-tok', expiresAt: inOneHour(), staff: clerk });
});
afterEach(() => jest.useRealTimers());

describe('what the scanner or the keyboard gave', () => {
  it('routes member codes, phones and payment codes before any request', () => {
    expect(routePresented('8812 3456 7890 1234 56')).toEqual({ ok: true, who: { memberCode: CODE } });
    expect(routePresented(' 13812345678 ')).toEqual({ ok: true, who: { phone: '13812345678' } });
    expect(routePresented('134567890123456789')).toEqual({ ok: false, message: PAYMENT_CODE_MESSAGE }); // WeChat Pay 10–15
    expect(routePresented('281234567890123456')).toEqual({ ok: false, message: PAYMENT_CODE_MESSAGE }); // Alipay 25–30
    expect(routePresented('6212345678901234567')).toEqual({ ok: false, message: PAYMENT_CODE_MESSAGE }); // UnionPay
    // 18 digits of another prefix: the server knows the brand's prefix and answers precisely
    expect(routePresented('891234567890123456')).toEqual({ ok: true, who: { memberCode: '891234567890123456' } });
    expect(routePresented('88123456789')).toEqual({ ok: false, message: '请输入 18 位会员码或 11 位手机号' });
    expect(routePresented('https://example.com/s?c=abc')).toMatchObject({ ok: false });
    expect(routePresented('')).toMatchObject({ ok: false });
  });

  it('numbers receipts readably and uniquely enough per store', () => {
    expect(newReceiptNo(new Date(2026, 4, 20, 14, 3, 9), () => 0)).toBe('20260520140309AAAAAA');
    expect(newReceiptNo()).toMatch(/^\d{14}[A-Z2-9]{6}$/);
  });
});

describe('the cashier flow', () => {
  function flowWith(over: Partial<ConstructorParameters<typeof CashierFlow>[0]> = {}) {
    const commits: (TSaleQuoteBody & { receiptNo: string })[] = [];
    let n = 0;
    const flow = new CashierFlow({
      identify: async () => member,
      quote: async (b) => quoteOf(b),
      commit: async (b) => {
        commits.push(b);
        return saleOf(b);
      },
      newReceiptNo: () => `R${++n}`,
      describe: (e) => describeSaleError(e),
      quoteDelayMs: 0,
      ...over,
    });
    return { flow, commits };
  }

  it('a payment code is refused locally: nothing is sent', async () => {
    const identify = jest.fn(async () => member);
    const { flow } = flowWith({ identify });
    await flow.identify('134567890123456789');
    expect(identify).not.toHaveBeenCalled();
    expect(flow.current.identifyError).toBe('这是付款码，请让顾客出示会员码');
    expect(flow.current.step).toBe('identify');
  });

  it('a retry of the same basket reuses its receipt number; a changed basket gets a new one', async () => {
    let fail = true;
    const { flow, commits } = flowWith({
      commit: async (b) => {
        commits.push(b);
        if (fail) throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'timeout' });
        return saleOf(b);
      },
    });
    await flow.identify(CODE);
    flow.setQuantity('NUT-001', 2);
    await Promise.resolve();
    await flow.commit();
    expect(flow.current.commitError).toMatchObject({ unknownOutcome: true });
    await flow.commit(); // the clerk taps again: same body, same receipt
    expect(commits.map((c) => c.receiptNo)).toEqual(['R1', 'R1']);

    flow.setQuantity('NUT-001', 3);
    await Promise.resolve();
    fail = false;
    await flow.commit();
    expect(commits.map((c) => c.receiptNo)).toEqual(['R1', 'R1', 'R2']);
    expect(flow.current.step).toBe('receipt');
  });

  it('a receipt number the server says belongs to another body is not reused', async () => {
    let first = true;
    const { flow, commits } = flowWith({
      commit: async (b) => {
        commits.push(b);
        if (first) {
          first = false;
          throw new ApiError({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED', message: 'reused' });
        }
        return saleOf(b);
      },
    });
    await flow.identify(CODE);
    flow.setQuantity('NUT-001', 1);
    await Promise.resolve();
    await flow.commit();
    expect(flow.current.commitError?.message).toBe('小票号已用于另一笔消费，请重新确认');
    await flow.commit();
    expect(commits.map((c) => c.receiptNo)).toEqual(['R1', 'R2']);
  });

  it('never commits a body the shown quote did not price', async () => {
    let release: () => void = () => undefined;
    const { flow, commits } = flowWith({
      quote: (b) =>
        new Promise((resolve) => {
          release = () => resolve(quoteOf(b));
        }),
    });
    await flow.identify(CODE);
    flow.setQuantity('NUT-001', 1);
    expect(flow.canCommit()).toBe(false); // quote in flight
    await flow.commit();
    expect(commits).toHaveLength(0);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(flow.canCommit()).toBe(true);
  });

  it('a stale quote answer is dropped when a newer one was asked for', async () => {
    const pending: (() => void)[] = [];
    const { flow } = flowWith({
      quote: (b) =>
        new Promise((resolve) => {
          pending.push(() => resolve(quoteOf(b)));
        }),
    });
    await flow.identify(CODE);
    flow.setQuantity('NUT-001', 1);
    flow.setQuantity('NUT-001', 2);
    pending[1]();
    await Promise.resolve();
    pending[0](); // the older answer arrives last
    await Promise.resolve();
    const q = flow.current.quote;
    expect(q.status === 'ready' && q.quote.lines[0].quantity).toBe(2);
  });

  it('a member code that expired while the basket was built: scan again, the basket stays', async () => {
    let expired = true;
    const { flow } = flowWith({
      quote: async (b) => {
        if (expired && 'memberCode' in b && b.memberCode === CODE) throw new ApiError({ status: 410, code: 'MEMBER_CODE_EXPIRED', message: 'expired' });
        return quoteOf(b);
      },
    });
    await flow.identify(CODE);
    flow.setQuantity('MEAT-001', 1);
    await Promise.resolve();
    await Promise.resolve();
    const q = flow.current.quote;
    expect(q.status === 'error' && q.error).toMatchObject({ scanAgain: true, message: '会员码已过期，请让顾客刷新会员码后重新扫码' });
    flow.changeCustomer();
    expect(flow.current.step).toBe('identify');
    expect(flow.current.lines).toEqual([{ sku: 'MEAT-001', quantity: 1 }]);
    expired = false;
    await flow.identify('881234567890123457');
    await Promise.resolve();
    expect(flow.current.step).toBe('basket');
    expect(flow.current.quote.status).toBe('ready');
  });
});

describe('cashier page', () => {
  function api(over: Record<string, (c: FakeCall) => { statusCode: number; data?: unknown }> = {}) {
    return fakeApi(
      {
        'GET /api/clerk/products': () => ({ statusCode: 200, data: { items: MENU } }),
        'POST /api/clerk/members/identify': () => ({ statusCode: 200, data: { member } }),
        'POST /api/clerk/sales/quote': (c) => ({ statusCode: 200, data: { quote: quoteOf(c.data as TSaleQuoteBody) } }),
        'POST /api/clerk/sales': (c) => ({ statusCode: 201, data: { sale: saleOf(c.data as TSaleQuoteBody & { receiptNo: string }) } }),
        ...over,
      },
      { maxCalls: 50 },
    );
  }

  it('scan → member → two items at member prices with points → quote → 确认收款 → receipt with the new balance', async () => {
    const calls = api();
    scanCode.mockResolvedValue({ result: CODE, errMsg: 'scanCode:ok' });
    render(<CashierPage />);
    await act(async () => fireEvent.click(screen.getByText('扫描会员码')));
    await advance(0);
    expect(posts(calls, '/api/clerk/members/identify')[0].data).toEqual({ memberCode: CODE });
    expect(await screen.findByText('138****5678')).toBeTruthy();
    expect(screen.getByText('会员码识别 · 积分 1000 · 可用券 1 张')).toBeTruthy();
    expect(screen.getByText('¥1.90 + 6积分')).toBeTruthy(); // the member price on the list

    const plus = (name: string) => screen.getByText(name).closest('.cashier-product')!.querySelector('.stepper__btn--plus')!;
    fireEvent.click(plus('每日坚果 25g'));
    fireEvent.click(plus('每日坚果 25g'));
    fireEvent.click(plus('猪肉脯 100g'));
    fireEvent.click(screen.getByText('积分抵现（可用 1000）'));
    await advance(300);
    const quotes = posts(calls, '/api/clerk/sales/quote');
    expect(quotes).toHaveLength(1); // debounced: one quote for the burst of taps
    expect(quotes[0].data).toEqual({ memberCode: CODE, items: [{ sku: 'NUT-001', quantity: 2 }, { sku: 'MEAT-001', quantity: 1 }], usePoints: true });
    // 2 × 1.90 + 15.90 = 19.70, minus ¥1.00 of points
    expect(screen.getByText('确认收款 ¥18.70')).toBeTruthy();
    expect(screen.getByText('-¥1.00')).toBeTruthy();
    expect(screen.getByText('132 积分')).toBeTruthy(); // 12 + 20 member-price points + 100 as cash

    await act(async () => fireEvent.click(screen.getByText('确认收款 ¥18.70')));
    await advance(0);
    const commit = posts(calls, '/api/clerk/sales')[0];
    expect(commit.data).toMatchObject({ memberCode: CODE, items: quotes[0].data && (quotes[0].data as TSaleQuoteBody).items, usePoints: true, receiptNo: expect.stringMatching(/^\d{14}[A-Z2-9]{6}$/) });
    expect(commit.header.Authorization).toBe('Bearer staff-tok');
    expect(await screen.findByText('收款成功')).toBeTruthy();
    expect(screen.getByText('+18')).toBeTruthy();
    expect(screen.getByText(String(1000 - 132 + 18))).toBeTruthy();

    fireEvent.click(screen.getByText('下一位顾客'));
    expect(screen.getByText('识别顾客')).toBeTruthy();
  });

  it('typed phone numbers identify by phone; a choice of coupon is sent with the quote', async () => {
    const calls = api();
    render(<CashierPage />);
    typeInto('18 位会员码或 11 位手机号', '13812345678');
    await act(async () => fireEvent.click(screen.getByText('识别会员')));
    await advance(0);
    expect(posts(calls, '/api/clerk/members/identify')[0].data).toEqual({ phone: '13812345678' });
    await screen.findByText('手机号识别 · 积分 1000 · 可用券 1 张');
    fireEvent.click(screen.getByText('猪肉脯 100g').closest('.cashier-product')!.querySelector('.stepper__btn--plus')!);
    fireEvent.click(screen.getByText('满20减5'));
    await advance(300);
    expect(posts(calls, '/api/clerk/sales/quote').at(-1)!.data).toEqual({ phone: '13812345678', items: [{ sku: 'MEAT-001', quantity: 1 }], couponId: 5 });
  });

  it('a payment code gets the clear instruction and no request', async () => {
    const calls = api();
    render(<CashierPage />);
    typeInto('18 位会员码或 11 位手机号', '134567890123456789');
    await act(async () => fireEvent.click(screen.getByText('识别会员')));
    expect(screen.getByText('这是付款码，请让顾客出示会员码')).toBeTruthy();
    expect(posts(calls, '/api/clerk/members/identify')).toHaveLength(0);
  });

  it("the server's reasons in Chinese: a used member code, an unknown phone", async () => {
    api({
      'POST /api/clerk/members/identify': (c) =>
        'phone' in (c.data as object) ? { statusCode: 404, data: errorBody('MEMBER_NOT_FOUND') } : { statusCode: 410, data: errorBody('MEMBER_CODE_USED') },
    });
    render(<CashierPage />);
    typeInto('18 位会员码或 11 位手机号', CODE);
    await act(async () => fireEvent.click(screen.getByText('识别会员')));
    await advance(0);
    expect(screen.getByText('这个会员码已用于一笔消费，请让顾客刷新后重新扫码')).toBeTruthy();
    typeInto('18 位会员码或 11 位手机号', '13812345678');
    await act(async () => fireEvent.click(screen.getByText('识别会员')));
    await advance(0);
    expect(screen.getByText('没有找到这个手机号的会员，请核对号码')).toBeTruthy();
  });

  it('a refused commit (points spent elsewhere meanwhile) says why and records nothing on screen', async () => {
    api({ 'POST /api/clerk/sales': () => ({ statusCode: 409, data: errorBody('POINTS_INSUFFICIENT') }) });
    render(<CashierPage />);
    typeInto('18 位会员码或 11 位手机号', CODE);
    await act(async () => fireEvent.click(screen.getByText('识别会员')));
    await advance(0);
    fireEvent.click((await screen.findByText('每日坚果 25g')).closest('.cashier-product')!.querySelector('.stepper__btn--plus')!);
    await advance(300);
    await act(async () => fireEvent.click(screen.getByText('确认收款 ¥1.90')));
    await advance(0);
    expect(screen.getByText('顾客积分不足，请关闭积分抵现或调整商品')).toBeTruthy();
    expect(screen.queryByText('收款成功')).toBeNull();
  });
});
