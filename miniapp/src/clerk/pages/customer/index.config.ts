export default definePageConfig({
  navigationBarTitleText: '顾客详情',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
