import { homeFor, menuFor, selectedMenuPath, type ConsoleArea } from '../../src/app/areas';

const Page = () => null;
const areas: ConsoleArea[] = [
  { key: 'orders', name: '订单', icon: null, order: 30, pages: [{ path: '/orders', name: '订单', roles: ['store_manager', 'admin'], component: Page }] },
  {
    key: 'stores',
    name: '门店',
    icon: null,
    order: 20,
    pages: [
      { path: '/stores', name: '门店列表', roles: ['marketer', 'admin'], component: Page },
      { path: '/stores/import', name: '批量导入', roles: ['admin'], component: Page },
      { path: '/stores/:id', name: '门店详情', roles: ['marketer', 'admin'], component: Page, hideInMenu: true },
    ],
  },
  { key: 'audit', name: '操作日志', icon: null, order: 90, pages: [{ path: '/audit', name: '操作日志', roles: ['admin'], component: Page }] },
];

describe('menu by role', () => {
  it('orders areas, hides pages the role may not open and detail pages, collapses one-page areas', () => {
    expect(menuFor(areas, 'admin')).toEqual([
      { path: '/stores', name: '门店', icon: null, children: [{ path: '/stores', name: '门店列表' }, { path: '/stores/import', name: '批量导入' }] },
      { path: '/orders', name: '订单', icon: null },
      { path: '/audit', name: '操作日志', icon: null },
    ]);
    expect(menuFor(areas, 'marketer')).toEqual([{ path: '/stores', name: '门店列表', icon: null }]);
    expect(menuFor(areas, 'store_manager')).toEqual([{ path: '/orders', name: '订单', icon: null }]);
  });

  it('lands each role on its first page, or on 无权访问 when it has none', () => {
    expect(homeFor(areas, 'admin')).toBe('/stores');
    expect(homeFor(areas, 'store_manager')).toBe('/orders');
    expect(homeFor(areas, 'clerk')).toBe('/no-access');
  });
});

describe('the selected menu entry', () => {
  const menu = menuFor(areas, 'admin');
  it('is the longest leaf path that is the page or its parent', () => {
    expect(selectedMenuPath(menu, '/stores/import')).toBe('/stores/import');
    expect(selectedMenuPath(menu, '/stores')).toBe('/stores');
    expect(selectedMenuPath(menu, '/stores/42')).toBe('/stores');
    expect(selectedMenuPath(menu, '/storesx')).toBeUndefined();
    expect(selectedMenuPath(menu, '/audit')).toBe('/audit');
  });
});
