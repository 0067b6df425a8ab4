import type { PaymentParams } from '@o2o/shared';
import type { EncryptedResource } from './aead';
import type { SignatureFailure, WechatpaySignedHeaders } from './signature';

/** A transaction as WeChat Pay reports it (query result and decrypted TRANSACTION.SUCCESS resource). */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | string;
  success_time?: string;
  payer?: { openid: string };
  amount?: { total: number; payer_total?: number; currency: string; payer_currency?: string };
  attach?: string;
}

/** A refund as WeChat Pay reports it (apply/query result and decrypted REFUND.* resource). */
export interface WechatRefund {
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  out_refund_no: string;
  refund_id: string;
  /** Apply/query responses call it `status`, notifications `refund_status`. */
  status?: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL' | string;
  refund_status?: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL' | string;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string };
}

export interface PrepayRequest {
  description: string;
  outTradeNo: string;
  timeExpire: Date;
  notifyUrl: string;
  totalFen: number;
  openid: string;
  storeId: number;
}

export interface RefundRequest {
  outTradeNo: string;
  outRefundNo: string;
  reason: string;
  notifyUrl: string;
  refundFen: number;
  totalFen: number;
}

/** The notification envelope (signed, not encrypted). */
export interface NotificationEnvelope {
  id: string;
  create_time?: string;
  event_type: string;
  resource_type?: string;
  summary?: string;
  resource: EncryptedResource & { original_type?: string };
}

/**
 * WeChat Pay as the rest of the server sees it. Every method that talks to WeChat throws WechatPayError on
 * a non-2xx answer, a network failure or a response whose signature does not verify.
 */
export interface WechatPayApi {
  readonly appid: string;
  readonly mchid: string;
  jsapiPrepay(req: PrepayRequest): Promise<{ prepayId: string }>;
  /** The five requestPayment fields, signed with the merchant key (computed locally, no call). */
  paymentParams(prepayId: string, now: Date): PaymentParams;
  /** null when WeChat has no such order. */
  queryOrder(outTradeNo: string): Promise<WechatTransaction | null>;
  /** 'paid' when WeChat refuses because the order was paid meanwhile. */
  closeOrder(outTradeNo: string): Promise<'closed' | 'paid'>;
  refund(req: RefundRequest): Promise<WechatRefund>;
  queryRefund(outRefundNo: string): Promise<WechatRefund | null>;
  verifyNotification(headers: WechatpaySignedHeaders, rawBody: Buffer, now: Date): SignatureFailure | null;
  decrypt(resource: EncryptedResource): string;
}
