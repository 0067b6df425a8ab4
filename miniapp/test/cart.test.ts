import { addItem, itemCount, MAX_LINES, MAX_QUANTITY, parseCart, quantityOf, reconcile, setQuantity, toOrderDraft, type Cart } from '../src/cart/cart';
import { quoteCart } from '../src/cart/quote';
import { yuan } from '../src/utils/format';
import { MENU } from './fixtures';

describe('cart lines', () => {
  it('adds, counts, changes and removes lines in the order they were added', () => {
    let cart: Cart = [];
    cart = addItem(cart, 'NUT-001');
    cart = addItem(cart, 'MEAT-002', 2);
    cart = addItem(cart, 'NUT-001');
    expect(cart).toEqual([
      { sku: 'NUT-001', quantity: 2 },
      { sku: 'MEAT-002', quantity: 2 },
    ]);
    expect(itemCount(cart)).toBe(4);
    expect(quantityOf(cart, 'MEAT-002')).toBe(2);
    expect(quantityOf(cart, 'NONE')).toBe(0);

    cart = setQuantity(cart, 'NUT-001', 0);
    expect(cart).toEqual([{ sku: 'MEAT-002', quantity: 2 }]);
    cart = addItem(cart, 'MEAT-002', -5);
    expect(cart).toEqual([]);
  });

  it('keeps the order limits of POST /api/app/orders: quantity 1–99, at most 50 lines', () => {
    expect(setQuantity([], 'A', 250)).toEqual([{ sku: 'A', quantity: MAX_QUANTITY }]);
    expect(setQuantity([], 'A', 2.7)).toEqual([{ sku: 'A', quantity: 2 }]);
    const full = Array.from({ length: MAX_LINES }, (_, i) => ({ sku: `S${i}`, quantity: 1 }));
    expect(setQuantity(full, 'ONE-MORE', 1)).toBe(full); // refused: unchanged, same object
    expect(setQuantity(full, 'S0', 3)).not.toBe(full);
    const same: Cart = [{ sku: 'A', quantity: 1 }];
    expect(setQuantity(same, 'A', 1)).toBe(same);
  });

  it('reads back only valid stored carts and drops SKUs the menu no longer has', () => {
    expect(parseCart('garbage')).toEqual([]);
    expect(parseCart([{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: '3' }, null, { sku: 'C', quantity: 120 }])).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'C', quantity: 99 },
    ]);
    const cart: Cart = [
      { sku: 'A', quantity: 1 },
      { sku: 'GONE', quantity: 1 },
    ];
    expect(reconcile(cart, new Set(['A']))).toEqual([{ sku: 'A', quantity: 1 }]);
    const kept = reconcile(cart, new Set(['A', 'GONE']));
    expect(kept).toBe(cart);
  });

  it('turns into the order body checkout will send', () => {
    expect(toOrderDraft(1, [{ sku: 'NUT-001', quantity: 2 }])).toEqual({ storeId: 1, items: [{ sku: 'NUT-001', quantity: 2 }] });
  });
});

describe('cart quote (shared priceOrder, integer fen)', () => {
  const cart: Cart = [
    { sku: 'NUT-001', quantity: 3 },
    { sku: 'MEAT-002', quantity: 1 },
    { sku: 'FRUIT-001', quantity: 2 },
  ];

  it('prices a fan at sale prices and shows what membership would save', () => {
    const q = quoteCart(cart, MENU, { isMember: false, pointsBalance: 0 });
    expect(q.count).toBe(6);
    // 3×390 + 2590 + 2×1290
    expect(q.order).toMatchObject({ listFen: 6340, totalFen: 6340, memberPoints: 0, memberSavingFen: 0, payableFen: 6340 });
    expect(yuan(q.order!.totalFen)).toBe('¥63.40');
    // as a member: 3×190 + 2590 + 2×990 = 5140 cash + 3×6 + 2×10 = 38 points
    expect(q.asMember).toMatchObject({ totalFen: 5140, memberPoints: 38, memberSavingFen: 1200 });
    expect(q.problem).toBeNull();
  });

  it('prices a member at member prices, cash plus points', () => {
    const q = quoteCart(cart, MENU, { isMember: true, pointsBalance: 1000 });
    expect(q.order).toMatchObject({ listFen: 6340, totalFen: 5140, memberPoints: 38, memberSavingFen: 1200, pointsUsed: 38 });
    expect(q.asMember).toBeNull();
    expect(yuan(q.order!.memberSavingFen)).toBe('¥12.00');
  });

  it('reports missing points instead of a total when member prices need more than the balance', () => {
    const q = quoteCart(cart, MENU, { isMember: true, pointsBalance: 10 });
    expect(q.order).toBeNull();
    expect(q.problem).toEqual({ code: 'POINTS_INSUFFICIENT', needed: 38, balance: 10 });
  });

  it('adds fen exactly where floats would not (0.1 + 0.2) and ignores SKUs not on the menu', () => {
    const menu = [
      { sku: 'A', name: 'A', categoryId: 1, priceFen: 10 },
      { sku: 'B', name: 'B', categoryId: 1, priceFen: 20 },
    ];
    const q = quoteCart(
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
        { sku: 'GONE', quantity: 4 },
      ],
      menu,
      { isMember: false, pointsBalance: 0 },
    );
    expect(q.count).toBe(2);
    expect(q.order?.totalFen).toBe(30);
    expect(yuan(q.order!.totalFen)).toBe('¥0.30');
  });

  it('is empty for an empty cart', () => {
    expect(quoteCart([], MENU, { isMember: true, pointsBalance: 5 })).toEqual({ count: 0, order: null, problem: null, asMember: null });
  });
});
