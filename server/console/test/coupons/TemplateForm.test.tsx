import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import dayjs from 'dayjs';
import { bodyOf, formErrors, TemplateCreateDrawer, TemplatePreview, TEMPLATE_FORM_DEFAULTS, type TemplateFormValues } from '../../src/pages/coupons/TemplateForm';
import { couponFace, couponRule, termsText } from '../../src/pages/coupons/coupon-text';

jest.setTimeout(30_000);
// Two cores shared with other suites: give antd's async rendering room.
configure({ asyncUtilTimeout: 5000 });

const v = (over: Partial<TemplateFormValues>): TemplateFormValues => ({ ...TEMPLATE_FORM_DEFAULTS, title: '测试券', ...over });

describe('coupon template form → request body, judged by the shared schema', () => {
  it('sends only the fields of the chosen kind, money in fen, the discount from 折', () => {
    expect(bodyOf(v({ kind: 'amount_off', thresholdFen: '100', amountOffFen: '20' }))).toEqual({
      title: '测试券', kind: 'amount_off', status: 'draft', thresholdFen: 10_000, amountOffFen: 2_000, validDays: 7, perCustomerLimit: 1, claimable: true, welcome: false,
    });
    // a threshold typed before switching to 代金 is not sent
    expect(bodyOf(v({ kind: 'voucher', thresholdFen: '100', amountOffFen: '5.5' }))).toMatchObject({ kind: 'voucher', amountOffFen: 550 });
    expect(bodyOf(v({ kind: 'voucher', thresholdFen: '100', amountOffFen: '5' }))).not.toHaveProperty('thresholdFen');
    expect(bodyOf(v({ kind: 'percent_off', percentOff: 8.5, maxDiscountFen: '30', amountOffFen: '9' }))).toMatchObject({ kind: 'percent_off', percentOff: 15, maxDiscountFen: 3_000 });
    expect(bodyOf(v({ kind: 'percent_off', percentOff: 8.5, amountOffFen: '9' }))).not.toHaveProperty('amountOffFen');
    expect(bodyOf(v({ kind: 'gift', giftSku: 'NUT-002' }))).toMatchObject({ kind: 'gift', giftSku: 'NUT-002' });
  });

  it('a fixed validity covers whole Shanghai days, first 00:00 to last 23:59:59.999', () => {
    const b = bodyOf(v({ kind: 'voucher', amountOffFen: '5', validityMode: 'fixed', validRange: ['2027-01-01', dayjs('2027-01-31')], validDays: 7 }));
    expect(b).toMatchObject({ validFrom: '2027-01-01T00:00:00.000+08:00', validTo: '2027-01-31T23:59:59.999+08:00' });
    expect(b).not.toHaveProperty('validDays');
    expect(formErrors(v({ kind: 'voucher', amountOffFen: '5', validityMode: 'fixed', validRange: ['2027-01-01', '2027-01-31'] }))).toEqual([]);
  });

  it('reports the cross-field rules on the form fields, in Chinese', () => {
    expect(formErrors(v({ kind: 'amount_off', thresholdFen: '10', amountOffFen: '20' }))).toEqual([{ name: ['thresholdFen'], errors: ['满减券的门槛须高于减免金额'] }]);
    expect(formErrors(v({ kind: 'percent_off' }))).toEqual([{ name: ['percentOff'], errors: ['请填写 0.1–9.9 之间的折扣'] }]);
    expect(formErrors(v({ kind: 'gift' }))).toEqual([{ name: ['giftSku'], errors: ['请选择兑换的商品'] }]);
    expect(formErrors(v({ kind: 'voucher', amountOffFen: '5', validDays: null }))).toEqual([{ name: ['validDays'], errors: ['请选择有效期：固定日期，或领取后 N 天'] }]);
    expect(formErrors(v({ kind: 'voucher', amountOffFen: '5', title: '' })).map((e) => e.name[0])).toEqual(['title']);
    expect(formErrors(v({ kind: 'amount_off', thresholdFen: '100', amountOffFen: '20' }))).toEqual([]);
  });
});

describe('wallet card preview', () => {
  it("uses the mini-program's words: face, rule, validity", () => {
    expect(couponFace({ kind: 'percent_off', thresholdFen: 0, percentOff: 15 })).toEqual({ value: '8.5', unit: '折' });
    expect(couponFace({ kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 1_050 })).toEqual({ value: '10.5', unit: '元' });
    expect(couponRule({ kind: 'percent_off', thresholdFen: 5_000, percentOff: 15, maxDiscountFen: 3_000 })).toBe('满50元可用 · 最多减30元');
    expect(couponRule({ kind: 'voucher', thresholdFen: 0, amountOffFen: 500 })).toBe('无门槛');
    expect(termsText({ kind: 'amount_off', thresholdFen: 10_000, amountOffFen: 2_000 })).toBe('满100减20');
  });

  it('renders the card from the form values, the claim-centre variant when claimable', () => {
    render(<TemplatePreview values={v({ title: '周末折扣', kind: 'percent_off', percentOff: 8.5, thresholdFen: '50', maxDiscountFen: '30', claimable: true, totalStock: 100 })} />);
    const cards = screen.getAllByTestId('wallet-card');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]).getByTestId('wallet-card-face').textContent).toBe('8.5折');
    expect(within(cards[0]).getByTestId('wallet-card-rule').textContent).toBe('满50元可用 · 最多减30元');
    expect(cards[0].textContent).toContain('周末折扣');
    expect(cards[0].textContent).toContain('领取后7天内有效');
    expect(cards[1].textContent).toContain('仅剩 100 张');
    expect(cards[1].textContent).toContain('立即领取');
  });
});

describe('TemplateCreateDrawer', () => {
  function setup(reply: (url: string, body: any) => [number, unknown]) {
    const calls: { url: string; method: string; body: any }[] = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ url, method: init?.method ?? 'GET', body });
      const [status, json] = url.includes('/products') ? [200, { items: [] }] : url.includes('/stores') ? [200, { items: [], total: 0 }] : reply(url, body);
      return { ok: status < 400, status, json: async () => json, headers: new Headers() } as unknown as Response;
    }) as unknown as typeof fetch;
    const onCreated = jest.fn();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <TemplateCreateDrawer onCreated={onCreated} />
        </QueryClientProvider>
      </AntApp>,
    );
    return { calls, onCreated };
  }
  const type = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });

  it('shows the amount fields of the chosen kind, and creates a voucher with the body the server expects', async () => {
    const { calls, onCreated } = setup((url, body) => [201, { template: { id: 9, title: body.title, status: body.status } }]);
    fireEvent.click(screen.getByTestId('coupon-template-create'));
    await screen.findByText('新建优惠券模板');
    expect(screen.getByTestId('coupon-threshold')).toBeTruthy(); // 满减: threshold + amount
    fireEvent.click(screen.getByText('代金'));
    await waitFor(() => expect(screen.queryByTestId('coupon-threshold')).toBeNull());
    type('如：满100减20', '新人5元券');
    fireEvent.change(screen.getByTestId('coupon-amount-off'), { target: { value: '5' } });
    await waitFor(() => expect(screen.getAllByTestId('wallet-card-face')[0].textContent).toBe('¥5'));
    await act(async () => {
      fireEvent.click(screen.getByText('保 存'));
    });
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    const post = calls.filter((c) => c.method === 'POST');
    expect(post).toHaveLength(1);
    expect(post[0].url).toBe('/api/admin/coupon-templates');
    expect(post[0].body).toEqual({ title: '新人5元券', kind: 'voucher', status: 'draft', amountOffFen: 500, validDays: 7, perCustomerLimit: 1, claimable: true, welcome: false });
  });

  it('refuses a 满减 whose threshold is not above the amount, without sending anything', async () => {
    const { calls } = setup(() => [500, {}]);
    fireEvent.click(screen.getByTestId('coupon-template-create'));
    await screen.findByText('新建优惠券模板');
    type('如：满100减20', '错误满减');
    fireEvent.change(screen.getByTestId('coupon-threshold'), { target: { value: '10' } });
    fireEvent.change(screen.getByTestId('coupon-amount-off'), { target: { value: '20' } });
    await act(async () => {
      fireEvent.click(screen.getByText('保 存'));
    });
    await screen.findByText('满减券的门槛须高于减免金额');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });
});
