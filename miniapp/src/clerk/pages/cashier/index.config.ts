export default definePageConfig({
  navigationBarTitleText: '收银',
  backgroundTextStyle: 'dark',
});
