export default defineAppConfig({
  // Main package: consumer pages only (WeChat limit 2 MB, our budget < 1 MB).
  pages: ['pages/index/index'],
  subPackages: [
    {
      // Clerk tools live in their own subpackage so they never weigh on the consumer main package.
      root: 'clerk',
      pages: ['pages/home/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f6f4f0',
    navigationBarBackgroundColor: '#b3262d',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'white',
  },
});
