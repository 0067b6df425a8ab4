/** What the login screen and the header show. One brand per deployment. */
export const BRAND_NAME = '小食光';
export const CONSOLE_TITLE = '品牌会员管理后台';
