export default definePageConfig({
  navigationBarTitleText: '导购工作台',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
  onReachBottomDistance: 120,
});
