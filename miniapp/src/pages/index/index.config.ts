export default definePageConfig({
  navigationBarTitleText: '小食光会员',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
