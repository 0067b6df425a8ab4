/**
 * Contracts of the platform files. Each `x.weapp.ts(x)` / `x.h5.ts(x)` implements the same exports;
 * Taro picks the file for the build target, and `x.ts(x)` is the typed fallback tsc and jest resolve.
 */

/** A one-time login code for `POST /api/app/session` (wx.login on WeChat, the emulator on H5). */
export type GetLoginCode = () => Promise<string>;

export interface PhoneBindButtonProps {
  /** Called with a one-time phone code for `POST /api/app/member`. */
  onCode: (phoneCode: string) => void;
  /** The parent is binding: show progress and block a second tap. */
  busy?: boolean;
}

/** How a payment sheet ended on the client. Only the server's order status proves a payment. */
export type PayOutcome = 'ok' | 'cancel';

/**
 * Opens the payment with the server's signed parameters (`wx.requestPayment` on WeChat, the emulator's pay
 * control on H5). Resolves 'ok' or 'cancel'; rejects when the payment failed.
 */
export type RequestPayment = (params: import('@o2o/shared').PaymentParams) => Promise<PayOutcome>;

export interface QrViewProps {
  /** The text to encode (a coupon's redemption token). */
  text: string;
  className?: string;
}

/** Ask for one-time subscribe messages: the accepted template ids, or null when the platform could not ask. */
export type RequestSubscribe = (tmplIds: string[]) => Promise<string[] | null>;
