/**
 * Stable error codes: the contract between server, mini-program and integrations.
 * Never rename or reuse a code; add new ones. Each carries its HTTP status and a default message.
 */
export const ErrorCode = {
  // generic
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  FORBIDDEN_ROLE: 'FORBIDDEN_ROLE',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  REQUEST_HEADERS_TOO_LARGE: 'REQUEST_HEADERS_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  RETRYABLE_DB_CONFLICT: 'RETRYABLE_DB_CONFLICT',
  DEPENDENCY_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  // WeChat identity
  WECHAT_LOGIN_CODE_INVALID: 'WECHAT_LOGIN_CODE_INVALID',
  WECHAT_PHONE_CODE_INVALID: 'WECHAT_PHONE_CODE_INVALID',
  WECHAT_UPSTREAM_ERROR: 'WECHAT_UPSTREAM_ERROR',
  // membership
  PHONE_ALREADY_BOUND: 'PHONE_ALREADY_BOUND',
  ALREADY_MEMBER: 'ALREADY_MEMBER',
  POINTS_INSUFFICIENT: 'POINTS_INSUFFICIENT',
  // staff
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVITE_CODE_INVALID: 'INVITE_CODE_INVALID',
  STAFF_NOT_BOUND: 'STAFF_NOT_BOUND',
  STAFF_INACTIVE: 'STAFF_INACTIVE',
  STAFF_ALREADY_BOUND: 'STAFF_ALREADY_BOUND',
  WECHAT_ALREADY_BOUND_TO_STAFF: 'WECHAT_ALREADY_BOUND_TO_STAFF',
  USERNAME_TAKEN: 'USERNAME_TAKEN',
  // catalogue / codes / tags
  STORE_INACTIVE: 'STORE_INACTIVE',
  TAG_NAME_TAKEN: 'TAG_NAME_TAKEN',
  TAG_SCHEDULE_INVALID: 'TAG_SCHEDULE_INVALID',
  TAG_UNKNOWN: 'TAG_UNKNOWN',
  TAG_RULE_MANAGED: 'TAG_RULE_MANAGED',
  SKU_TAKEN: 'SKU_TAKEN',
  HANDOVER_INVALID: 'HANDOVER_INVALID',
  // idempotency
  IDEMPOTENCY_KEY_REQUIRED: 'IDEMPOTENCY_KEY_REQUIRED',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  // orders and payment
  PRODUCT_UNAVAILABLE: 'PRODUCT_UNAVAILABLE',
  POINTS_OFFSET_TOO_LARGE: 'POINTS_OFFSET_TOO_LARGE',
  ORDER_AMOUNT_INVALID: 'ORDER_AMOUNT_INVALID',
  ORDER_NOT_PAYABLE: 'ORDER_NOT_PAYABLE',
  ORDER_NOT_REFUNDABLE: 'ORDER_NOT_REFUNDABLE',
  REFUND_EXCEEDS_PAID: 'REFUND_EXCEEDS_PAID',
  PAYMENT_NOT_CONFIGURED: 'PAYMENT_NOT_CONFIGURED',
  WECHAT_PAY_ERROR: 'WECHAT_PAY_ERROR',
  // coupons (the order hook; the coupon issue adds the rest)
  COUPON_NOT_USABLE: 'COUPON_NOT_USABLE',
  COUPON_THRESHOLD_NOT_MET: 'COUPON_THRESHOLD_NOT_MET',
  COUPON_OUT_OF_STOCK: 'COUPON_OUT_OF_STOCK',
  COUPON_LIMIT_REACHED: 'COUPON_LIMIT_REACHED',
  COUPON_TEMPLATE_NOT_ACTIVE: 'COUPON_TEMPLATE_NOT_ACTIVE',
  COUPON_TEMPLATE_INVALID: 'COUPON_TEMPLATE_INVALID',
  COUPON_EXPIRED: 'COUPON_EXPIRED',
  COUPON_ALREADY_REDEEMED: 'COUPON_ALREADY_REDEEMED',
  COUPON_CODE_INVALID: 'COUPON_CODE_INVALID',
  COUPON_CODE_EXPIRED: 'COUPON_CODE_EXPIRED',
  COUPON_CODE_REPLAYED: 'COUPON_CODE_REPLAYED',
  REDEMPTION_NOT_REVERSIBLE: 'REDEMPTION_NOT_REVERSIBLE',
  // segments
  SEGMENT_RULE_TOO_LARGE: 'SEGMENT_RULE_TOO_LARGE',
  SEGMENT_UNKNOWN_REFERENCE: 'SEGMENT_UNKNOWN_REFERENCE',
  SEGMENT_EXPORT_NOT_READY: 'SEGMENT_EXPORT_NOT_READY',
  COUPON_CODE_ATTEMPTS_EXCEEDED: 'COUPON_CODE_ATTEMPTS_EXCEEDED',
  COUPON_NOT_REVOCABLE: 'COUPON_NOT_REVOCABLE',
  // campaigns and clerk offers
  CAMPAIGN_STATE_INVALID: 'CAMPAIGN_STATE_INVALID',
  CLERK_OFFER_TEMPLATE_NOT_ALLOWED: 'CLERK_OFFER_TEMPLATE_NOT_ALLOWED',
  CLERK_OFFER_CAPPED: 'CLERK_OFFER_CAPPED',
  // console: imports and jobs
  IMPORT_HEADER_INVALID: 'IMPORT_HEADER_INVALID',
  JOB_NOT_READY: 'JOB_NOT_READY',
  // console: stores and staff
  STORE_CODE_TAKEN: 'STORE_CODE_TAKEN',
  HANDOVER_RECEIVER_REQUIRED: 'HANDOVER_RECEIVER_REQUIRED',
  CONSOLE_LOGIN_NOT_ALLOWED: 'CONSOLE_LOGIN_NOT_ALLOWED',
  // console: qr codes
  QR_SET_EMPTY: 'QR_SET_EMPTY',
  // console: customers and points
  POINTS_ADJUSTMENT_INVALID: 'POINTS_ADJUSTMENT_INVALID',
  // console: orders, alerts
  ALERT_ALREADY_RESOLVED: 'ALERT_ALREADY_RESOLVED',
  // store counter: member codes, POS API, sales, returns, pickup
  MEMBER_CODE_INVALID: 'MEMBER_CODE_INVALID',
  MEMBER_CODE_EXPIRED: 'MEMBER_CODE_EXPIRED',
  MEMBER_CODE_USED: 'MEMBER_CODE_USED',
  MEMBER_CODE_FOREIGN: 'MEMBER_CODE_FOREIGN',
  PAYMENT_CODE_PRESENTED: 'PAYMENT_CODE_PRESENTED',
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  POS_SIGNATURE_INVALID: 'POS_SIGNATURE_INVALID',
  POS_TIMESTAMP_SKEW: 'POS_TIMESTAMP_SKEW',
  POS_NONCE_REPLAYED: 'POS_NONCE_REPLAYED',
  POS_KEY_INVALID: 'POS_KEY_INVALID',
  POS_STORE_MISMATCH: 'POS_STORE_MISMATCH',
  SALE_NOT_FOUND: 'SALE_NOT_FOUND',
  RETURN_EXCEEDS_SOLD: 'RETURN_EXCEEDS_SOLD',
  SALE_NOT_RETURNABLE: 'SALE_NOT_RETURNABLE',
  PICKUP_NOT_READY: 'PICKUP_NOT_READY',
  POS_TERMINAL_REVOKED: 'POS_TERMINAL_REVOKED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

interface ErrorSpec {
  status: number;
  message: string;
}

/** HTTP status and default (Chinese-first UI can map codes itself) message per code. */
export const ERROR_SPECS: Record<ErrorCode, ErrorSpec> = {
  VALIDATION_FAILED: { status: 400, message: 'Request is invalid' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  TOKEN_EXPIRED: { status: 401, message: 'Session expired, log in again' },
  FORBIDDEN_ROLE: { status: 403, message: 'Your role may not do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'Conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send application/json' },
  // Node's header limit (16 KB by default) was exceeded, before any route: answered by http/client-error.ts.
  REQUEST_HEADERS_TOO_LARGE: { status: 431, message: 'Request headers too large' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  RETRYABLE_DB_CONFLICT: { status: 503, message: 'Busy, retry the request' },
  DEPENDENCY_UNAVAILABLE: { status: 503, message: 'A dependency is unavailable, retry later' },
  INTERNAL: { status: 500, message: 'Internal error' },
  WECHAT_LOGIN_CODE_INVALID: { status: 401, message: 'WeChat login code is invalid, used or expired' },
  WECHAT_PHONE_CODE_INVALID: { status: 400, message: 'Phone number code is invalid, used or expired' },
  WECHAT_UPSTREAM_ERROR: { status: 502, message: 'WeChat service error' },
  PHONE_ALREADY_BOUND: { status: 409, message: 'This phone number is bound to another member' },
  ALREADY_MEMBER: { status: 409, message: 'Already a member with another phone number' },
  POINTS_INSUFFICIENT: { status: 409, message: 'Not enough points' },
  INVALID_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  INVITE_CODE_INVALID: { status: 400, message: 'Invite code is invalid or used' },
  STAFF_NOT_BOUND: { status: 401, message: 'This WeChat account is not bound to a staff member' },
  STAFF_INACTIVE: { status: 403, message: 'Staff account is not active' },
  STAFF_ALREADY_BOUND: { status: 409, message: 'Staff member is already bound to a WeChat account' },
  WECHAT_ALREADY_BOUND_TO_STAFF: { status: 409, message: 'This WeChat account is bound to another staff member' },
  USERNAME_TAKEN: { status: 409, message: 'Username is taken' },
  STORE_INACTIVE: { status: 409, message: 'Store is not active' },
  TAG_NAME_TAKEN: { status: 409, message: 'A tag with this name exists in the group' },
  TAG_SCHEDULE_INVALID: { status: 400, message: 'validTo must be after validFrom' },
  // details: { tagIds } naming the unknown ones
  TAG_UNKNOWN: { status: 400, message: 'Unknown tag ids' },
  TAG_RULE_MANAGED: { status: 400, message: 'Lifecycle and RFM tags are computed by rules and cannot be set by hand' },
  SKU_TAKEN: { status: 409, message: 'SKU exists' },
  HANDOVER_INVALID: { status: 400, message: 'Handover needs two different clerks of the same store' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, message: 'Idempotency-Key header is required' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'Idempotency-Key was used with another request' },
  PRODUCT_UNAVAILABLE: { status: 409, message: 'A product is not available' },
  POINTS_OFFSET_TOO_LARGE: { status: 409, message: 'Too many points for this order' },
  ORDER_AMOUNT_INVALID: { status: 409, message: 'The order must leave at least 0.01 yuan to pay' },
  ORDER_NOT_PAYABLE: { status: 409, message: 'This order can no longer be paid' },
  ORDER_NOT_REFUNDABLE: { status: 409, message: 'This order cannot be refunded' },
  REFUND_EXCEEDS_PAID: { status: 409, message: 'Refunds would exceed the amount paid' },
  PAYMENT_NOT_CONFIGURED: { status: 503, message: 'WeChat Pay is not configured' },
  WECHAT_PAY_ERROR: { status: 502, message: 'WeChat Pay error' },
  COUPON_NOT_USABLE: { status: 409, message: 'This coupon cannot be used' },
  COUPON_THRESHOLD_NOT_MET: { status: 409, message: 'The order does not reach the coupon threshold' },
  COUPON_OUT_OF_STOCK: { status: 409, message: 'This coupon has run out' },
  COUPON_LIMIT_REACHED: { status: 409, message: 'You already hold as many of this coupon as allowed' },
  COUPON_TEMPLATE_NOT_ACTIVE: { status: 409, message: 'This coupon is not being given out now' },
  COUPON_TEMPLATE_INVALID: { status: 400, message: 'The coupon template is inconsistent' },
  COUPON_EXPIRED: { status: 409, message: 'This coupon is outside its validity period' },
  COUPON_ALREADY_REDEEMED: { status: 409, message: 'This coupon has already been used' },
  // Unknown, forged, mistyped, and another store's coupons all get this one answer (no existence oracle).
  COUPON_CODE_INVALID: { status: 404, message: 'No usable coupon for this code' },
  COUPON_CODE_EXPIRED: { status: 410, message: 'This code has expired; ask the customer to refresh it' },
  COUPON_CODE_REPLAYED: { status: 410, message: 'This code was already used; ask the customer to refresh it' },
  REDEMPTION_NOT_REVERSIBLE: { status: 409, message: 'This redemption can no longer be reversed' },
  SEGMENT_RULE_TOO_LARGE: { status: 400, message: 'The segment rule is too deep or has too many conditions' },
  SEGMENT_UNKNOWN_REFERENCE: { status: 400, message: 'The segment rule names tags, stores or clerks that do not exist' },
  SEGMENT_EXPORT_NOT_READY: { status: 409, message: 'The export is not finished' },
  // Per clerk, failed code attempts in a sliding minute (typed-code guessing); a success does not count.
  COUPON_CODE_ATTEMPTS_EXCEEDED: { status: 429, message: 'Too many wrong coupon codes; wait a minute' },
  COUPON_NOT_REVOCABLE: { status: 409, message: 'Only an issued coupon can be revoked' },
  CAMPAIGN_STATE_INVALID: { status: 409, message: 'The campaign cannot do this in its current state' },
  CLERK_OFFER_TEMPLATE_NOT_ALLOWED: { status: 403, message: 'Clerks may not offer this coupon template' },
  // details: { capCount, capDays, customerIds } — the cap is per customer over a rolling period.
  CLERK_OFFER_CAPPED: { status: 409, message: 'The customer already received the maximum number of clerk offers for this period' },
  // details: { missing: string[], unknown: string[], expected: string[] }
  IMPORT_HEADER_INVALID: { status: 400, message: 'The file header does not match the template' },
  JOB_NOT_READY: { status: 409, message: 'The job has not finished' },
  STORE_CODE_TAKEN: { status: 409, message: 'A store with this code exists' },
  // Leaving or moving staff own customers and no receiver was chosen, and the store has no active manager to default to.
  HANDOVER_RECEIVER_REQUIRED: { status: 409, message: 'This staff member has customers: choose who receives them' },
  // Clerks work in the clerk app only; console logins are for store managers, marketers and admins.
  CONSOLE_LOGIN_NOT_ALLOWED: { status: 409, message: 'This role cannot have a console login' },
  // A schedule change or a poster job whose scope holds no code (generate codes first).
  QR_SET_EMPTY: { status: 409, message: 'No QR code in this scope' },
  // A manual adjustment that would take the balance below zero (details.balance), or on a fan (details.notMember).
  POINTS_ADJUSTMENT_INVALID: { status: 409, message: 'This points adjustment cannot be applied' },
  ALERT_ALREADY_RESOLVED: { status: 409, message: 'This alert is already resolved' },
  MEMBER_CODE_INVALID: { status: 404, message: 'No member for this code (mistyped or forged)' },
  MEMBER_CODE_EXPIRED: { status: 410, message: 'This member code has expired; ask the customer to refresh it' },
  MEMBER_CODE_USED: { status: 410, message: 'This member code was already used for a sale; ask the customer to refresh it' },
  MEMBER_CODE_FOREIGN: { status: 422, message: 'Not a member code of this brand' },
  PAYMENT_CODE_PRESENTED: { status: 422, message: 'This is a payment code (WeChat Pay / Alipay / UnionPay), not a member code; scan the member code' },
  MEMBER_NOT_FOUND: { status: 404, message: 'No customer with this phone number' },
  POS_SIGNATURE_INVALID: { status: 401, message: 'The request signature does not match' },
  POS_TIMESTAMP_SKEW: { status: 401, message: 'The request timestamp is more than 300 s away from the server clock' },
  POS_NONCE_REPLAYED: { status: 401, message: 'This nonce was already used' },
  POS_KEY_INVALID: { status: 401, message: 'Unknown or revoked POS key' },
  POS_STORE_MISMATCH: { status: 403, message: 'This terminal belongs to another store' },
  SALE_NOT_FOUND: { status: 404, message: 'No sale with this receipt number at this terminal' },
  RETURN_EXCEEDS_SOLD: { status: 409, message: 'More units returned than were sold' },
  SALE_NOT_RETURNABLE: { status: 409, message: 'This sale cannot be returned' },
  PICKUP_NOT_READY: { status: 409, message: 'This order is not paid or was refunded; it cannot be picked up' },
  POS_TERMINAL_REVOKED: { status: 409, message: 'This terminal is already revoked' },
};

/** The body of every error response. */
export interface ApiErrorBody {
  code: ErrorCode | string;
  message: string;
  requestId: string;
  details?: unknown;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_SPECS, value);
}
