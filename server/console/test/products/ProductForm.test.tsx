import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MEMBER_PRICE_RULE, type ConsoleProductView } from '@o2o/shared';
import { memberPriceText } from '../../src/pages/products/format';
import { createBodyOf, formErrors, PRODUCT_FORM_DEFAULTS, ProductFormDrawer, updateBodyOf, valuesOf, type ProductFormValues } from '../../src/pages/products/ProductForm';

jest.setTimeout(60_000);
// Two cores shared with other suites: give antd's async rendering room.
configure({ asyncUtilTimeout: 8000 });

const v = (over: Partial<ProductFormValues>): ProductFormValues => ({ ...PRODUCT_FORM_DEFAULTS, sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', price: '39.90', ...over });

describe('member price: one type, so the body spends points or gives them, never both', () => {
  it('reads as the price tag: cash + points spent, cash and points given, cash only, none', () => {
    expect(memberPriceText({ memberPriceFen: 190, memberPoints: 6 })).toBe('¥1.90 + 6 积分');
    expect(memberPriceText({ memberPriceFen: 2990, memberPoints: 0, memberPointsGiven: 30 })).toBe('¥29.90 送 30 积分');
    expect(memberPriceText({ memberPriceFen: 1590, memberPoints: 0 })).toBe('¥15.90');
    expect(memberPriceText({})).toBe('—');
  });

  it('sends only the fields of the chosen type (points typed before switching are not sent)', () => {
    // the operator typed 6 points under 现金+积分, then switched to 现金送积分
    expect(createBodyOf(v({ memberPriceType: 'give', memberPrice: '29.90', memberPoints: 6, memberPointsGiven: 30 }))).toEqual({
      sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', priceFen: 3990, memberPriceFen: 2990, memberPointsGiven: 30,
    });
    expect(createBodyOf(v({ memberPriceType: 'spend', memberPrice: '1.90', memberPoints: 6, memberPointsGiven: 30 }))).toEqual({
      sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', priceFen: 3990, memberPriceFen: 190, memberPoints: 6,
    });
    expect(createBodyOf(v({ memberPriceType: 'none', memberPrice: '1.90', memberPoints: 6 }))).toEqual({ sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', priceFen: 3990 });
    // an edit clears the type not chosen, so switching is one request
    expect(updateBodyOf(v({ memberPriceType: 'give', memberPrice: '29.90', memberPoints: 6, memberPointsGiven: 30 }))).toEqual({
      name: '夏威夷果 500g', category: '坚果', priceFen: 3990, memberPriceFen: 2990, memberPoints: 0, memberPointsGiven: 30,
    });
    expect(updateBodyOf(v({ memberPriceType: 'spend', memberPrice: '1.90', memberPoints: 6, memberPointsGiven: 30 }))).toMatchObject({ memberPriceFen: 190, memberPoints: 6, memberPointsGiven: null });
    expect(updateBodyOf(v({ memberPriceType: 'none', memberPrice: '1.90' }))).toMatchObject({ memberPriceFen: null });
    expect(updateBodyOf(v({ memberPriceType: 'none' }))).not.toHaveProperty('memberPoints');
  });

  it('a product is read back into its type', () => {
    const p = { id: 1, sku: 'NUT-003', name: '夏威夷果', category: '坚果', categoryId: 1, priceFen: 3990, status: 'active', createdAt: '', updatedAt: '' } as ConsoleProductView;
    expect(valuesOf({ ...p, memberPriceFen: 2990, memberPoints: 0, memberPointsGiven: 30 })).toMatchObject({ memberPriceType: 'give', memberPrice: '29.90', memberPointsGiven: 30 });
    expect(valuesOf({ ...p, memberPriceFen: 190, memberPoints: 6 })).toMatchObject({ memberPriceType: 'spend', memberPrice: '1.90', memberPoints: 6 });
    expect(valuesOf({ ...p, memberPriceFen: 1590, memberPoints: 0 })).toMatchObject({ memberPriceType: 'spend', memberPoints: 0 });
    expect(valuesOf(p)).toMatchObject({ memberPriceType: 'none', memberPrice: null });
  });

  it('judges the form with the shared schema, in Chinese on the form fields', () => {
    expect(formErrors(v({ memberPriceType: 'give', memberPrice: '29.90', memberPointsGiven: 30 }), false)).toEqual([]);
    expect(formErrors(v({ memberPriceType: 'give', memberPrice: '49.90', memberPointsGiven: 30 }), false)).toEqual([{ name: ['memberPrice'], errors: ['会员价不能高于售价'] }]);
    expect(formErrors(v({ memberPriceType: 'give', memberPrice: '29.90', memberPointsGiven: 0 }), false)).toEqual([{ name: ['memberPointsGiven'], errors: ['赠送积分为 1–1000000 的整数'] }]);
    expect(formErrors(v({ memberPriceType: 'spend', memberPrice: null, memberPoints: 6 }), false)).toEqual([{ name: ['memberPrice'], errors: ['请填写会员价'] }]);
    expect(formErrors(v({ memberPriceType: 'spend', memberPrice: '1.90', memberPoints: 6, sku: 'bad sku' }), false)).toEqual([{ name: ['sku'], errors: ['字母、数字、- 或 _，最长 32 位'] }]);
    expect(formErrors(v({ memberPriceType: 'none', price: '0' }), true)).toEqual([{ name: ['price'], errors: ['请填写大于 0 的售价'] }]);
  });
});

describe('ProductFormDrawer', () => {
  afterEach(cleanup);

  function setup(product: ConsoleProductView | null, reply: (url: string, method: string, body: any) => [number, unknown]) {
    const calls: { url: string; method: string; body: any }[] = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ url, method, body });
      const [status, json] = reply(url, method, body);
      return { ok: status < 400, status, json: async () => json, headers: new Headers() } as unknown as Response;
    }) as unknown as typeof fetch;
    const onSaved = jest.fn();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <ProductFormDrawer product={product} open categories={[{ id: 1, name: '坚果' }]} onClose={() => undefined} onSaved={onSaved} />
        </QueryClientProvider>
      </AntApp>,
    );
    return { calls, onSaved };
  }
  const input = (testId: string) => {
    const el = screen.getByTestId(testId);
    return (el.tagName === 'INPUT' ? el : el.querySelector('input')) as HTMLInputElement;
  };
  const type = (testId: string, value: string) => fireEvent.change(input(testId), { target: { value } });
  const save = () =>
    act(async () => {
      fireEvent.click(screen.getByTestId('product-form-submit'));
    });

  it('creates a 现金送积分 product: the points spent typed before switching are not sent', async () => {
    const { calls, onSaved } = setup(null, (url, method, body) => [201, { product: { id: 9, ...body, memberPoints: 0, categoryId: 1, status: 'active', createdAt: '', updatedAt: '' } }]);
    await screen.findByText('新建商品');
    type('product-sku', 'NUT-003');
    type('product-name', '夏威夷果 500g');
    fireEvent.change(screen.getByRole('combobox'), { target: { value: '坚果' } });
    type('product-price', '39.90');
    fireEvent.click(screen.getByText('现金+积分'));
    type('product-member-points', '6');
    fireEvent.click(screen.getByText('现金送积分'));
    await waitFor(() => expect(screen.queryByTestId('product-member-points')).toBeNull()); // one kind of points at a time
    type('product-member-price', '29.90');
    type('product-member-points-given', '30');
    await waitFor(() => expect(screen.getByTestId('product-price-preview').textContent).toBe('价签：售价 ¥39.90 · 会员价 ¥29.90 送 30 积分'));
    await save();
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].url).toBe('/api/admin/products');
    expect(posts[0].body).toEqual({ sku: 'NUT-003', name: '夏威夷果 500g', category: '坚果', priceFen: 3990, memberPriceFen: 2990, memberPointsGiven: 30 });
  });

  it('refuses a member price above the sale price without sending anything', async () => {
    const { calls } = setup(null, () => [500, {}]);
    await screen.findByText('新建商品');
    type('product-sku', 'NUT-004');
    type('product-name', '腰果');
    fireEvent.change(screen.getByRole('combobox'), { target: { value: '坚果' } });
    type('product-price', '19.90');
    fireEvent.click(screen.getByText('现金送积分'));
    type('product-member-price', '29.90');
    type('product-member-points-given', '10');
    await save();
    await screen.findByText('会员价不能高于售价');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it("shows the server's refusal (the product changed meanwhile) on the field it names", async () => {
    const product = { id: 3, sku: 'NUT-001', name: '每日坚果 25g', category: '坚果', categoryId: 1, priceFen: 390, memberPriceFen: 190, memberPoints: 6, status: 'active', createdAt: '', updatedAt: '' } as ConsoleProductView;
    const { calls } = setup(product, () => [
      400,
      { code: 'VALIDATION_FAILED', message: MEMBER_PRICE_RULE.spentAndGiven, details: [{ path: 'memberPointsGiven', message: MEMBER_PRICE_RULE.spentAndGiven }] },
    ]);
    await screen.findByText('编辑商品 NUT-001');
    expect(input('product-member-points').value).toBe('6');
    fireEvent.click(screen.getByText('现金送积分'));
    type('product-member-points-given', '10');
    await save();
    await screen.findByText('会员价只能二选一：现金+积分，或现金送积分');
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url).toBe('/api/admin/products/NUT-001');
    expect(patch.body).toEqual({ name: '每日坚果 25g', category: '坚果', priceFen: 390, memberPriceFen: 190, memberPoints: 0, memberPointsGiven: 10 });
  });
});
