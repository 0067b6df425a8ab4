export default definePageConfig({
  navigationBarTitleText: '我的二维码',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
