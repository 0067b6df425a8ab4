import { ERROR_SPECS, ZIdentifyBody, ZSaleCommitBody, ZSaleQuoteBody, ZSaleReturnBody, z, type ErrorCode } from '@o2o/shared';
import { POS_WINDOW_S } from './pos-signature';

/**
 * The OpenAPI 3.1 description of the POS API, served at GET /api/pos/v1/openapi.json. Request bodies are generated
 * from the same zod schemas the routes validate with (plus the "memberCode or phone" rule they refine with);
 * responses are written out here from shared/src/api/sale.ts. Every operation lists each error code it can answer
 * (`x-error-codes`, and per status under `responses`); test/sale/pos-openapi.test.ts checks the paths against
 * posRoutes, and test/sale/pos-api.e2e.test.ts checks every answer it meets against this document (a success
 * against its response schema, an error code against the operation's list).
 */

type Schema = Record<string, unknown>;
const int: Schema = { type: 'integer' };
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const orNull = (s: Schema): Schema => ({ ...s, type: [s.type as string, 'null'] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});

const amounts: Record<string, Schema> = {
  listFen: { ...int, description: 'Sum of list prices' },
  totalFen: { ...int, description: 'After member prices, before the coupon and points' },
  memberSavingFen: int,
  couponDiscountFen: int,
  pointsDeductionFen: int,
  pointsUsed: { ...int, description: 'Member-price points + points used as cash' },
  pointsGiven: { ...int, description: '会员价送积分 part of pointsEarned' },
  pointsEarned: { ...int, description: 'Credited when paid (members only), given points included' },
  payableFen: { ...int, description: 'What the till collects' },
};

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    properties: { code: str, message: str, requestId: str, details: {} },
    required: ['code', 'message', 'requestId'],
  },
  Coupon: obj(
    {
      id: int,
      templateId: int,
      title: str,
      description: str,
      kind: { enum: ['amount_off', 'voucher', 'percent_off', 'gift'] },
      thresholdFen: int,
      amountOffFen: int,
      percentOff: int,
      maxDiscountFen: int,
      giftSku: str,
      storeIds: { type: 'array', items: int, description: 'Empty = every store' },
      status: { enum: ['issued', 'locked', 'redeemed', 'expired', 'revoked'] },
      source: str,
      validFrom: time,
      validTo: time,
      redeemedAt: orNull(time),
    },
    ['amountOffFen', 'percentOff', 'maxDiscountFen', 'giftSku'],
  ),
  MemberAtTill: obj({
    customerId: int,
    phoneMasked: orNull(str),
    isMember: bool,
    level: int,
    pointsBalance: int,
    coupons: { type: 'array', items: ref('Coupon'), description: 'Usable at this store now' },
  }),
  SaleLine: obj({
    sku: str,
    name: str,
    quantity: int,
    unitPriceFen: int,
    unitCashFen: int,
    unitPoints: { ...int, description: 'Points spent per unit by a member price' },
    unitPointsGiven: { ...int, description: 'Points given per unit by a member price' },
    lineCashFen: int,
    paidFen: { ...int, description: "This line's share of the payable: what returning the whole line gives back" },
    returnedQuantity: int,
  }),
  SaleQuote: obj({
    ...amounts,
    member: orNull(obj({ customerId: int, isMember: bool, pointsBalance: int })),
    lines: { type: 'array', items: ref('SaleLine') },
    couponId: orNull(int),
  }),
  Sale: obj({
    ...amounts,
    id: int,
    outTradeNo: str,
    channel: { enum: ['preorder', 'pos', 'clerk', 'import'] },
    receiptNo: orNull(str),
    status: { enum: ['created', 'paid', 'closed', 'partially_refunded', 'refunded'] },
    storeId: int,
    terminalId: orNull(int),
    staffId: orNull(int),
    customerId: int,
    phoneMasked: orNull(str),
    couponId: orNull(int),
    lines: { type: 'array', items: ref('SaleLine') },
    refundedFen: int,
    pointsBalanceAfter: { ...orNull(int), description: "The customer's balance right after the sale (null on a later read)" },
    paidAt: time,
  }),
  SaleReturn: obj({
    returnNo: str,
    refundId: int,
    amountFen: { ...int, description: 'Cash the till gives back' },
    lines: { type: 'array', items: obj({ sku: str, quantity: int, amountFen: int }) },
    pointsReturned: { ...int, description: 'Spent points given back' },
    pointsReversed: { ...int, description: 'Earned and given points taken back' },
    pointsUnrecovered: { ...int, description: 'Earned points the customer had already spent (never below zero)' },
    couponReturned: { ...bool, description: 'Only a full return gives the coupon back' },
    sale: ref('Sale'),
  }),
};

/** Zod → JSON Schema 2020-12 (what OpenAPI 3.1 uses), without the per-document `$schema`. */
function bodySchema(schema: z.ZodType, extra: Schema = {}): Schema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Schema;
  return { ...json, ...extra };
}
const exactlyOneWho: Schema = { oneOf: [{ required: ['memberCode'] }, { required: ['phone'] }], description: 'memberCode (scanned) or phone (typed), exactly one' };
const atMostOneWho: Schema = { not: { required: ['memberCode', 'phone'] }, description: 'memberCode or phone, at most one; couponId and usePoints need one' };

/** What any signed request can be refused with, before its use case runs. */
export const SIGNED_REQUEST_ERRORS: ErrorCode[] = [
  'POS_SIGNATURE_INVALID',
  'POS_KEY_INVALID',
  'POS_TIMESTAMP_SKEW',
  'POS_NONCE_REPLAYED',
  'POS_STORE_MISMATCH',
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'RETRYABLE_DB_CONFLICT',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL',
];

const MEMBER_ERRORS: ErrorCode[] = ['MEMBER_CODE_INVALID', 'MEMBER_CODE_EXPIRED', 'MEMBER_CODE_USED', 'MEMBER_CODE_FOREIGN', 'PAYMENT_CODE_PRESENTED', 'MEMBER_NOT_FOUND'];
const PRICING_ERRORS: ErrorCode[] = ['STORE_INACTIVE', 'PRODUCT_UNAVAILABLE', 'COUPON_NOT_USABLE', 'COUPON_THRESHOLD_NOT_MET', 'POINTS_INSUFFICIENT', 'POINTS_OFFSET_TOO_LARGE', 'ORDER_AMOUNT_INVALID', 'NOT_FOUND'];

interface Operation {
  method: 'get' | 'post';
  /** OpenAPI form (`{receiptNo}`), relative to the server URL /api/pos/v1. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  body?: Schema;
  params?: Schema[];
  ok: { status: number; description: string; schema: Schema };
  errors: ErrorCode[];
  signed?: false;
}

export const POS_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/members/identify',
    operationId: 'identifyMember',
    summary: 'Find the member by the scanned member code or a typed phone number',
    description:
      'Scan the member code (18 digits from the mini-program) or type the phone number. A WeChat Pay, Alipay or UnionPay payment code is refused with PAYMENT_CODE_PRESENTED so the till can route it to payment instead. Identifying does not use the code up; the commit does.',
    body: bodySchema(ZIdentifyBody, exactlyOneWho),
    ok: { status: 200, description: 'The member, their points and the coupons usable at this store', schema: obj({ member: ref('MemberAtTill') }) },
    errors: [...MEMBER_ERRORS],
  },
  {
    method: 'post',
    path: '/sales/quote',
    operationId: 'quoteSale',
    summary: 'Price a basket exactly as the commit will',
    description:
      'The same pricing as pre-orders: list prices, member prices (cash + points spent or given), the coupon, points as cash. Without a member the basket is priced at list prices and no coupon or points apply. Nothing is reserved.',
    body: bodySchema(ZSaleQuoteBody, atMostOneWho),
    ok: { status: 200, description: 'Exact amounts', schema: obj({ quote: ref('SaleQuote') }) },
    errors: [...MEMBER_ERRORS, ...PRICING_ERRORS],
  },
  {
    method: 'post',
    path: '/sales',
    operationId: 'commitSale',
    summary: 'Record the paid sale (idempotent by receipt number)',
    description:
      "The quote's body plus the till's receipt number. In one transaction: spends the points, redeems the coupon, records the sale and its lines, credits earned and given points, uses the member code up. Retrying with the same receiptNo and body answers the same sale; another body under the same receiptNo is 422 IDEMPOTENCY_KEY_REUSED. Receipt numbers are per terminal.",
    body: bodySchema(ZSaleCommitBody, exactlyOneWho),
    ok: { status: 201, description: 'The sale (the same one on a retry)', schema: obj({ sale: ref('Sale') }) },
    errors: [...MEMBER_ERRORS, ...PRICING_ERRORS, 'IDEMPOTENCY_KEY_REUSED', 'COUPON_ALREADY_REDEEMED', 'COUPON_EXPIRED'],
  },
  {
    method: 'post',
    path: '/sales/{receiptNo}/returns',
    operationId: 'returnSale',
    summary: 'Return a sale in full or in part (idempotent by return number)',
    description:
      'Lines omitted: everything not yet returned. Spent points are given back and earned points taken back in proportion, exactly once per returnNo; the balance never goes below zero (what cannot be taken back is reported as pointsUnrecovered). Only a full return gives the coupon back. Retrying with the same returnNo and body answers the same return; another body under the same returnNo is 422.',
    params: [{ name: 'receiptNo', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,40}$' }, description: 'The receipt number the sale was committed with at this terminal' }],
    body: bodySchema(ZSaleReturnBody),
    ok: { status: 201, description: 'The return and the sale after it', schema: obj({ return: ref('SaleReturn') }) },
    errors: ['SALE_NOT_FOUND', 'SALE_NOT_RETURNABLE', 'RETURN_EXCEEDS_SOLD', 'IDEMPOTENCY_KEY_REUSED'],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    description: 'Public, unsigned.',
    ok: { status: 200, description: 'OpenAPI 3.1', schema: { type: 'object' } },
    errors: [],
    signed: false,
  },
];

/** Every error code an operation can answer (its own and, when signed, the signature's). */
export const errorsOf = (op: Operation): ErrorCode[] => [...new Set([...op.errors, ...(op.signed === false ? [] : SIGNED_REQUEST_ERRORS)])];

const signatureHeaders: Schema[] = [
  { name: 'X-Pos-Timestamp', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9]{1,12}$' }, description: `Unix time in seconds; refused when more than ${POS_WINDOW_S} s from the server clock` },
  { name: 'X-Pos-Nonce', in: 'header', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' }, description: 'Random, never reused by this terminal (refused if seen in the last 10 minutes)' },
  { name: 'X-Pos-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' }, description: 'hex(HMAC-SHA256(secret, canonical string)); see the security scheme' },
  { name: 'X-Pos-Store-Id', in: 'header', required: false, schema: { type: 'string', pattern: '^[0-9]+$' }, description: "Optional, not signed: the store the till is set up for. Refused with 403 POS_STORE_MISMATCH unless it is the terminal's store" },
];

function responsesOf(op: Operation): Record<string, Schema> {
  const out: Record<string, Schema> = { [String(op.ok.status)]: { description: op.ok.description, content: { 'application/json': { schema: op.ok.schema } } } };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorsOf(op)) {
    const status = ERROR_SPECS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: codes.map((c) => `${c}: ${ERROR_SPECS[c].message}`).join('; '),
      content: { 'application/json': { schema: { allOf: [ref('Error'), { properties: { code: { enum: codes } } }] } } },
    };
  }
  return out;
}

const SIGNATURE_DOC = [
  'Every request except GET /openapi.json is signed with its terminal\'s secret (one key per till, created and revoked by an admin in the console; the secret is shown once).',
  '',
  'canonical = METHOD + "\\n" + PATH + "\\n" + TIMESTAMP + "\\n" + NONCE + "\\n" + hex(sha256(BODY))',
  '',
  '- METHOD: upper case (POST, GET).',
  '- PATH: the request target exactly as sent, with the query string if any, without scheme and host: /api/pos/v1/sales.',
  '- TIMESTAMP: the X-Pos-Timestamp header (unix seconds) as sent.',
  '- NONCE: the X-Pos-Nonce header (16–64 of A-Z a-z 0-9 _ -), new for every request.',
  '- BODY: the exact bytes sent (UTF-8 JSON); empty for a GET (sha256 of nothing = e3b0c442…b855).',
  '',
  `X-Pos-Signature = lowercase hex(HMAC-SHA256(key = the secret's 43 ASCII characters as given, message = canonical)). Refusals (401, nothing recorded): POS_SIGNATURE_INVALID (headers missing or malformed, or the signature does not match), POS_KEY_INVALID (unknown or revoked key), POS_TIMESTAMP_SKEW (more than ${POS_WINDOW_S} s off; details.serverTime), POS_NONCE_REPLAYED (the nonce was already used). docs/pos-integration.md has a worked example.`,
].join('\n');

let built: Schema | null = null;

/** The document (built once per process). */
export function posOpenApiDocument(): Schema {
  if (built) return built;
  const paths: Record<string, Record<string, Schema>> = {};
  for (const op of POS_OPERATIONS) {
    const signed = op.signed !== false;
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      ...(signed ? { security: [{ posSignature: [] }] } : { security: [] }),
      parameters: [...(op.params ?? []), ...(signed ? signatureHeaders : [])],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      responses: responsesOf(op),
      'x-error-codes': errorsOf(op),
    };
  }
  built = {
    openapi: '3.1.0',
    info: {
      title: 'POS API',
      version: '1',
      description:
        'For the brand\'s till software: identify the member, quote a basket with member prices, coupons and points, record the paid sale, return it. Amounts are integer fen; times ISO-8601. Errors are {code, message, requestId, details?} with a real HTTP status; the codes are stable.',
    },
    servers: [{ url: '/api/pos/v1' }],
    security: [{ posSignature: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        posSignature: { type: 'apiKey', in: 'header', name: 'X-Pos-Key', description: SIGNATURE_DOC },
      },
    },
  };
  return built;
}
