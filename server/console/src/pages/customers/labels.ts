import { POINTS_REASON_ZH, type ClerkBindingRule, type CouponSource, type CouponStatus, type PointsReason, type TagGroup, type TagSource } from '@o2o/shared';

/** The customers area's words for the server's enums (points reasons: the shared words the mini-program uses too). */
export const POINTS_REASON: Record<PointsReason, string> = POINTS_REASON_ZH;
export const COUPON_STATUS: Record<CouponStatus, { text: string; color: string }> = {
  issued: { text: '未使用', color: 'blue' },
  locked: { text: '下单占用', color: 'orange' },
  redeemed: { text: '已使用', color: 'green' },
  expired: { text: '已过期', color: 'default' },
  revoked: { text: '已作废', color: 'red' },
};
export const COUPON_SOURCE: Record<CouponSource, string> = { welcome: '新会员礼', qr: '扫码赠送', claim: '领券中心', campaign: '营销活动', clerk: '导购发券' };
export const BINDING_RULE: Record<ClerkBindingRule, string> = {
  first_touch: '首次扫码绑定',
  rebind_after_protection: '保护期后改绑',
  rebind_clerk_left: '原导购离职改绑',
  handover: '交接',
};
export const TAG_SOURCE: Record<TagSource, { text: string; color: string }> = {
  qr: { text: '扫码', color: 'blue' },
  manual: { text: '手动', color: 'purple' },
  rule: { text: '规则', color: 'cyan' },
  purchase: { text: '消费偏好', color: 'gold' },
};
export const TAG_GROUP: Record<TagGroup, string> = { category: '品类偏好', channel: '渠道', lifecycle: '生命周期', custom: '自定义', rfm: 'RFM' };
