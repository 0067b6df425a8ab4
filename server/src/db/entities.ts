import { Store } from '../modules/store/store.entity';
import { Staff } from '../modules/staff/staff.entity';
import { Tag } from '../modules/tag/tag.entity';
import { CustomerTag } from '../modules/tag/customer-tag.entity';
import { QrCode } from '../modules/qr-code/qr-code.entity';
import { QrCodeImage } from '../modules/qr-code/qr-code-image.entity';
import { QrCodeTag } from '../modules/qr-code/qr-code-tag.entity';
import { QrCodeCoupon } from '../modules/qr-code/qr-code-coupon.entity';
import { Customer } from '../modules/customer/customer.entity';
import { ScanEvent } from '../modules/customer/scan-event.entity';
import { CustomerClerk } from '../modules/customer/customer-clerk.entity';
import { ClerkAssignment } from '../modules/customer/clerk-assignment.entity';
import { PointsLedger } from '../modules/points/points-ledger.entity';
import { Category } from '../modules/catalogue/category.entity';
import { Product } from '../modules/catalogue/product.entity';
import { Order } from '../modules/payment/order.entity';
import { OrderItem } from '../modules/payment/order-item.entity';
import { PayNotification } from '../modules/payment/pay-notification.entity';
import { Refund } from '../modules/payment/refund.entity';
import { CouponTemplate, CouponTemplateStore } from '../modules/coupon/coupon-template.entity';
import { Coupon } from '../modules/coupon/coupon.entity';
import { CouponCodeUse, Redemption } from '../modules/coupon/redemption.entity';
import { OutboxEvent } from '../events/outbox-event.entity';
import { Segment, SegmentExport, SegmentExportChunk } from '../modules/segment/segment.entity';
import { Campaign, CampaignBatch, CampaignDelivery, CampaignRecipient, ClerkOfferTemplate } from '../modules/campaign/campaign.entity';
import { InboxMessage, SubscribeQuota } from '../modules/inbox/inbox.entity';
import { AuditLog } from '../modules/audit/audit-log.entity';
import { Alert } from '../modules/alert/alert.entity';
import { Job, JobChunk } from '../modules/job/job.entity';
import { HandledEvent } from '../events/handled-event.entity';
import { QrCodeStat } from '../modules/qr-code/qr-code-stat.entity';
import { PosTerminal } from '../modules/sale/pos-terminal.entity';
import { PosNonce } from '../modules/sale/pos-nonce.entity';
import { MemberCodeUse } from '../modules/sale/member-code-use.entity';
import { RefundLine } from '../modules/payment/refund-line.entity';
import { AttemptCounter } from '../modules/auth/attempt-counter.entity';

export const ENTITIES = [
  Store,
  Staff,
  Tag,
  CustomerTag,
  QrCode,
  QrCodeImage,
  QrCodeTag,
  QrCodeCoupon,
  Customer,
  ScanEvent,
  CustomerClerk,
  ClerkAssignment,
  PointsLedger,
  Category,
  Product,
  Order,
  OrderItem,
  PayNotification,
  Refund,
  CouponTemplate,
  CouponTemplateStore,
  Coupon,
  Redemption,
  CouponCodeUse,
  OutboxEvent,
  Segment,
  SegmentExport,
  SegmentExportChunk,
  Campaign,
  CampaignRecipient,
  CampaignBatch,
  CampaignDelivery,
  ClerkOfferTemplate,
  InboxMessage,
  SubscribeQuota,
  AuditLog,
  Alert,
  Job,
  JobChunk,
  HandledEvent,
  QrCodeStat,
  PosTerminal,
  PosNonce,
  MemberCodeUse,
  RefundLine,
  AttemptCounter,
];
