export default definePageConfig({
  navigationBarTitleText: '我的业绩',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
