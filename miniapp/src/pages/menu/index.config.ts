export default definePageConfig({
  navigationBarTitleText: '门店菜单',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
});
