import type { MenuProduct } from '../../api/catalogue';

export interface MenuSection {
  categoryId: number;
  name: string;
  items: MenuProduct[];
}

/**
 * Products grouped by category, in the order the server lists them (category, then SKU). The server may
 * not send category names yet (`category` is not in the contract's list): then one "全部商品" section.
 */
export function groupByCategory(products: readonly MenuProduct[]): MenuSection[] {
  if (!products.some((p) => p.category)) {
    return products.length ? [{ categoryId: 0, name: '全部商品', items: [...products] }] : [];
  }
  const sections = new Map<number, MenuSection>();
  for (const p of products) {
    let s = sections.get(p.categoryId);
    if (!s) {
      s = { categoryId: p.categoryId, name: p.category || '其他', items: [] };
      sections.set(p.categoryId, s);
    }
    s.items.push(p);
  }
  return [...sections.values()];
}
