import Taro from '@tarojs/taro';

/** Every page path in one place (main package and the clerk subpackage). */
export const PAGES = {
  index: '/pages/index/index',
  points: '/pages/points/index',
  menu: '/pages/menu/index',
  checkout: '/pages/checkout/index',
  order: '/pages/order/index',
  orders: '/pages/orders/index',
  coupons: '/pages/coupons/index',
  coupon: '/pages/coupon/index',
  couponCenter: '/pages/coupon-center/index',
  inbox: '/pages/inbox/index',
  memberCode: '/pages/member-code/index',
  stores: '/pages/stores/index',
  clerkLogin: '/clerk/pages/login/index',
  clerkHome: '/clerk/pages/home/index',
  clerkCustomer: '/clerk/pages/customer/index',
  clerkRedeem: '/clerk/pages/redeem/index',
  clerkPerformance: '/clerk/pages/performance/index',
  clerkQrCode: '/clerk/pages/qr-code/index',
  clerkCashier: '/clerk/pages/cashier/index',
  clerkPickups: '/clerk/pages/pickups/index',
} as const;

export type PagePath = (typeof PAGES)[keyof typeof PAGES];

function withQuery(path: PagePath, query?: Record<string, string | number | undefined>): string {
  const qs = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

export function openPage(path: PagePath, query?: Record<string, string | number | undefined>): void {
  void Taro.navigateTo({ url: withQuery(path, query) });
}

/** Replace the current page (guards and logins: "back" must not return to the page that redirected). */
export function replacePage(path: PagePath, query?: Record<string, string | number | undefined>): void {
  void Taro.redirectTo({ url: withQuery(path, query) });
}

/** Pull-to-refresh: run, stop the native spinner, tell the user when it failed. */
export async function pullToRefresh(run: () => Promise<boolean>): Promise<void> {
  const ok = await run();
  Taro.stopPullDownRefresh();
  if (!ok) void Taro.showToast({ title: '刷新失败，请稍后重试', icon: 'none' });
}
