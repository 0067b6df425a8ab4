import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { CouponView, RedemptionListItem, RedemptionLookupView, StaffView } from '@o2o/shared';
import '../src/app';
import RedeemPage from '../src/clerk/pages/redeem/index';
import { parseAmount, parseCouponCode } from '../src/clerk/redeem/redeem-flow';
import { staffSession } from '../src/clerk/stores/staff-session';
import { login, scanCode } from './__mocks__/taro';
import { couponOf } from './fixtures';
import { errorBody, fakeApi, inOneHour, resetAll, type FakeCall } from './helpers';

jest.mock('../src/platform/login', () => jest.requireActual('../src/platform/login.weapp'));
jest.mock('../src/clerk/platform/scan', () => jest.requireActual('../src/clerk/platform/scan.weapp'));

const clerk: StaffView = { id: 3, name: '王芳', role: 'clerk', status: 'active', storeId: 1, username: null, wechatBound: true };
const TOKEN = 'cAbC123xyz_9-QRtokenFromTheCustomerScreen';
const coupon: CouponView = couponOf(5);
const usable: RedemptionLookupView = { coupon, member: { phoneMasked: '138****5678' }, discountFen: 2_000, usable: true };
const redemption = { id: 9, couponId: 5, storeId: 1, clerkId: 3, orderAmountFen: 12_800, discountFen: 2_000, createdAt: '2026-05-20T02:00:00.000Z', reversedAt: null, reversedBy: null, reverseReason: null };
const recent: RedemptionListItem[] = [{ ...redemption, couponTitle: '满100减20', reversible: true }];

beforeEach(() => {
  resetAll();
  staffSession.resetForTests();
  login.mockResolvedValue({ code: 'wx-code-1', errMsg: 'login:ok' });
  staffSession.set({ token: 'staff-tok', expiresAt: inOneHour(), staff: clerk });
});

const typeInto = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });
const posts = (calls: FakeCall[], path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);

function api(over: Record<string, (c: FakeCall) => { statusCode: number; data?: unknown } | Promise<{ statusCode: number; data?: unknown }>> = {}) {
  return fakeApi({
    'GET /api/clerk/redemptions': () => ({ statusCode: 200, data: { items: recent, nextCursor: null } }),
    'POST /api/clerk/redemptions/lookup': () => ({ statusCode: 200, data: usable }),
    'POST /api/clerk/redemptions': () => ({ statusCode: 201, data: { redemption } }),
    ...over,
  });
}

describe('scan result handling', () => {
  it('tells digits from QR tokens and rejects anything else', () => {
    expect(parseCouponCode('1234 5678 9012')).toEqual({ digits: '123456789012' });
    expect(parseCouponCode(' 123456789012 ')).toEqual({ digits: '123456789012' });
    expect(parseCouponCode(TOKEN)).toEqual({ token: TOKEN });
    expect(parseCouponCode('12345678901')).toBeNull(); // 11 digits: half typed
    expect(parseCouponCode('1234567890123456')).toBeNull(); // digits are never a token
    expect(parseCouponCode('https://example.com/?c=abc')).toBeNull(); // a poster's QR
    expect(parseCouponCode('')).toBeNull();
    expect([parseAmount('128.5'), parseAmount('128'), parseAmount('0'), parseAmount('1.234'), parseAmount('abc')]).toEqual([12_850, 12_800, null, null, null]);
  });

  it('a scanned QR token is looked up as a token with the typed amount; confirm redeems once', async () => {
    const calls = api();
    scanCode.mockResolvedValue({ result: TOKEN, errMsg: 'scanCode:ok' });
    render(<RedeemPage />);
    typeInto('本单消费金额（元）', '128');
    await act(async () => fireEvent.click(screen.getByText('扫描顾客券码')));

    expect(await screen.findByText('138****5678')).toBeTruthy();
    expect(screen.getByText('-¥20.00')).toBeTruthy();
    expect(screen.getByText('¥108.00')).toBeTruthy(); // what the customer pays
    expect(posts(calls, '/api/clerk/redemptions/lookup')[0].data).toEqual({ token: TOKEN, orderAmountFen: 12_800 });

    await act(async () => fireEvent.click(screen.getByText('确认核销')));
    expect(await screen.findByText('核销成功')).toBeTruthy();
    const redeemCall = posts(calls, '/api/clerk/redemptions')[0];
    expect(redeemCall.data).toMatchObject({ token: TOKEN, orderAmountFen: 12_800, requestNo: expect.stringMatching(/^rd_/) });
    expect(redeemCall.header.Authorization).toBe('Bearer staff-tok');
  });

  it('typed digits (with spaces) are looked up as digits', async () => {
    const calls = api();
    render(<RedeemPage />);
    typeInto('12 位数字券码', '1234 5678 9012');
    typeInto('本单消费金额（元）', '150.5');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    await screen.findByText('确认核销');
    expect(posts(calls, '/api/clerk/redemptions/lookup')[0].data).toEqual({ digits: '123456789012', orderAmountFen: 15_050 });
  });

  it("another store's code: the server's reason (same as a forged code), nothing redeemed", async () => {
    const calls = api({ 'POST /api/clerk/redemptions/lookup': () => ({ statusCode: 404, data: errorBody('COUPON_CODE_INVALID') }) });
    render(<RedeemPage />);
    typeInto('12 位数字券码', '123456789012');
    typeInto('本单消费金额（元）', '128');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    expect(await screen.findByText('券码无效：请核对数字，或该券不适用于本店')).toBeTruthy();
    expect(posts(calls, '/api/clerk/redemptions')).toHaveLength(0);
  });

  it('a coupon below its threshold shows why and offers no confirm', async () => {
    api({ 'POST /api/clerk/redemptions/lookup': () => ({ statusCode: 200, data: { ...usable, usable: false, discountFen: 0, reason: 'COUPON_THRESHOLD_NOT_MET' } }) });
    render(<RedeemPage />);
    typeInto('12 位数字券码', '123456789012');
    typeInto('本单消费金额（元）', '50');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    expect(await screen.findByText('消费金额未达到使用门槛')).toBeTruthy();
    expect(screen.queryByText('确认核销')).toBeNull();
  });

  it('429 after too many wrong codes is said plainly', async () => {
    api({ 'POST /api/clerk/redemptions/lookup': () => ({ statusCode: 429, data: errorBody('COUPON_CODE_ATTEMPTS_EXCEEDED') }) });
    render(<RedeemPage />);
    typeInto('12 位数字券码', '123456789012');
    typeInto('本单消费金额（元）', '128');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    const msg = await screen.findByText('错误券码尝试过多，请 1 分钟后再试');
    expect(msg.className).toContain('redeem-page__error--locked');
  });

  it('a scan that is not a coupon code (a store poster) is refused before any request', async () => {
    const calls = api();
    scanCode.mockResolvedValue({ result: 'https://example.com/poster', errMsg: 'scanCode:ok' });
    render(<RedeemPage />);
    await act(async () => fireEvent.click(screen.getByText('扫描顾客券码')));
    expect(await screen.findByText('这不是优惠券码，请扫描顾客「优惠券详情」里的二维码')).toBeTruthy();
    expect(posts(calls, '/api/clerk/redemptions/lookup')).toHaveLength(0);
  });
});

describe('confirm is safe to tap twice and to retry', () => {
  it('a double tap sends one redemption; a retry after a lost answer reuses the requestNo', async () => {
    let answer: ((r: { statusCode: number; data?: unknown }) => void) | null = null;
    let attempt = 0;
    const calls = api({
      'POST /api/clerk/redemptions': () => {
        attempt++;
        if (attempt === 1) return { statusCode: 503, data: errorBody('DEPENDENCY_UNAVAILABLE') };
        if (attempt === 2) return new Promise((resolve) => (answer = resolve));
        return { statusCode: 201, data: { redemption: { ...redemption, id: 10 } } };
      },
    });
    render(<RedeemPage />);
    typeInto('12 位数字券码', '123456789012');
    typeInto('本单消费金额（元）', '128');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    await act(async () => fireEvent.click(await screen.findByText('确认核销')));
    expect(await screen.findByText('服务暂不可用，请稍后重试')).toBeTruthy();

    // retry, and a second tap while it is in flight
    fireEvent.click(screen.getByText('重试核销'));
    await waitFor(() => expect(screen.getByText('核销中…')).toBeTruthy());
    fireEvent.click(screen.getByText('核销中…'));
    await act(async () => answer!({ statusCode: 201, data: { redemption } }));
    expect(await screen.findByText('核销成功')).toBeTruthy();

    const sent = posts(calls, '/api/clerk/redemptions');
    expect(sent).toHaveLength(2);
    expect((sent[1].data as { requestNo: string }).requestNo).toBe((sent[0].data as { requestNo: string }).requestNo);

    // the next customer is a new attempt with a new requestNo
    fireEvent.click(screen.getByText('继续核销'));
    typeInto('12 位数字券码', '999988887777');
    typeInto('本单消费金额（元）', '100');
    await act(async () => fireEvent.click(screen.getByText('查询优惠')));
    await act(async () => fireEvent.click(await screen.findByText('确认核销')));
    await screen.findByText('核销成功');
    const all = posts(calls, '/api/clerk/redemptions');
    expect((all[2].data as { requestNo: string }).requestNo).not.toBe((sent[0].data as { requestNo: string }).requestNo);
  });
});

describe('recent redemptions', () => {
  it('lists them and reverses one with a reason', async () => {
    const calls = api({ 'POST /api/clerk/redemptions/9/reverse': () => ({ statusCode: 200, data: { redemption: { ...redemption, reversedAt: 'x', reverseReason: '顾客退单' } } }) });
    render(<RedeemPage />);
    expect(await screen.findByText('满100减20')).toBeTruthy();
    fireEvent.click(screen.getByText('撤销'));
    await act(async () => fireEvent.click(screen.getByText('顾客退单')));
    expect(posts(calls, '/api/clerk/redemptions/9/reverse')[0].data).toEqual({ reason: '顾客退单' });
  });
});
