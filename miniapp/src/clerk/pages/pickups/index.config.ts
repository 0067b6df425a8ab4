export default definePageConfig({
  navigationBarTitleText: '预订取货',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
