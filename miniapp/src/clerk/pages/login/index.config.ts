export default definePageConfig({
  navigationBarTitleText: '导购登录',
});
