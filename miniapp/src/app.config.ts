export default defineAppConfig({
  // Main package: consumer pages only (WeChat limit 2 MB, our budget < 1 MB). The first is the entry that
  // store and clerk codes open with `scene`.
  pages: ['pages/index/index', 'pages/points/index', 'pages/menu/index', 'pages/checkout/index', 'pages/order/index', 'pages/orders/index', 'pages/coupons/index', 'pages/coupon/index', 'pages/coupon-center/index', 'pages/inbox/index', 'pages/member-code/index', 'pages/stores/index'],
  subPackages: [
    {
      // Clerk tools live in their own subpackage so they never weigh on the consumer main package, and every
      // page there is behind the clerk guard (a staff token).
      root: 'clerk',
      pages: ['pages/login/index', 'pages/home/index', 'pages/customer/index', 'pages/redeem/index', 'pages/performance/index', 'pages/qr-code/index', 'pages/cashier/index', 'pages/pickups/index'],
    },
  ],
  // The store switcher orders stores by distance when the customer allows it (wx.getLocation must be declared).
  requiredPrivateInfos: ['getLocation'],
  permission: { 'scope.userLocation': { desc: '用于为您推荐附近的门店' } },
  // Inject only the components a page uses (WeChat's code-quality scan requires it).
  lazyCodeLoading: 'requiredComponents',
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: '#f6f4f0',
    navigationBarBackgroundColor: '#b3262d',
    navigationBarTitleText: '小食光会员',
    navigationBarTextStyle: 'white',
  },
});
