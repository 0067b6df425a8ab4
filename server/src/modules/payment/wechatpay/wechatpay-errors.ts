/** A failed call to WeChat Pay. `retryable`: the same request may succeed later (never for a 4xx verdict). */
export class WechatPayError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`WeChat Pay ${status ?? 'network'} ${code}: ${message}`);
    this.name = 'WechatPayError';
  }
}
