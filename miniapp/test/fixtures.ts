import type { CouponView, OrderView, PaymentParams } from '@o2o/shared';
import type { CustomerView } from '@o2o/shared';
import type { MenuProduct } from '../src/api/catalogue';

/** The demo brand's menu (server/src/seed/demo.ts), as `GET /api/app/products` lists it (with names). */
export const MENU: MenuProduct[] = [
  { sku: 'NUT-001', name: '每日坚果 25g', categoryId: 1, category: '坚果', priceFen: 390, memberPriceFen: 190, memberPoints: 6 },
  { sku: 'NUT-002', name: '碧根果 120g', categoryId: 1, category: '坚果', priceFen: 2990, memberPriceFen: 2490, memberPoints: 20 },
  { sku: 'MEAT-001', name: '猪肉脯 100g', categoryId: 2, category: '肉脯', priceFen: 1990, memberPriceFen: 1590, memberPoints: 20 },
  { sku: 'MEAT-002', name: '牛肉粒 80g', categoryId: 2, category: '肉脯', priceFen: 2590 },
  { sku: 'FRUIT-001', name: '芒果干 108g', categoryId: 3, category: '果干', priceFen: 1290, memberPriceFen: 990, memberPoints: 10 },
  { sku: 'DRINK-001', name: '椰子水 330ml', categoryId: 4, category: '饮料', priceFen: 590 },
];

export const STORE = { id: 1, name: '小食光·光谷店' };
export const fan: CustomerView = { id: 7, isMember: false, level: 0, pointsBalance: 0, store: STORE, orderingStore: STORE, clerk: { id: 3, name: '王芳' } };
export const member: CustomerView = { ...fan, isMember: true, phoneMasked: '138****5678', pointsBalance: 1000 };

export function orderOf(status: OrderView['status'], extra: Partial<OrderView> = {}): OrderView {
  return {
    id: 42,
    outTradeNo: 'O20250501000042',
    status,
    channel: 'preorder',
    storeId: 1,
    totalFen: 380,
    discountFen: 0,
    couponDiscountFen: 0,
    pointsDeductionFen: 0,
    memberSavingFen: 400,
    pointsUsed: 12,
    payableFen: 380,
    refundedFen: 0,
    pointsEarned: 0,
    couponId: null,
    pickupCode: status === 'paid' ? '0427' : null,
    pickedUpAt: null,
    items: [{ sku: 'NUT-001', name: '每日坚果 25g', quantity: 2, unitPriceFen: 390, unitCashFen: 190, unitPoints: 6 }],
    createdAt: '2025-05-01T06:00:00.000Z',
    expiresAt: '2025-05-01T06:15:00.000Z',
    paidAt: status === 'paid' ? '2025-05-01T06:01:00.000Z' : null,
    ...extra,
  };
}

export const PARAMS: PaymentParams = { timeStamp: '1714543200', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2ln' };

/** A wallet coupon (满100减20, issued, valid 2026-05-20 09:00 → 05-26 23:59:59.999 Shanghai), with `over` applied. */
export function couponOf(id: number, over: Partial<CouponView> = {}): CouponView {
  return {
    id,
    templateId: 2,
    title: '满100减20',
    description: '',
    kind: 'amount_off',
    thresholdFen: 10_000,
    amountOffFen: 2_000,
    storeIds: [],
    status: 'issued',
    source: 'claim',
    validFrom: '2026-05-20T01:00:00.000Z',
    validTo: '2026-05-26T15:59:59.999Z',
    redeemedAt: null,
    ...over,
  };
}
