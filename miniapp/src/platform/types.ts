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

export interface BarcodeViewProps {
  /** An even number of digits (the 18-digit member code), drawn as Code 128 set C. */
  digits: string;
  className?: string;
}

/**
 * While a code is on screen: keep the screen awake and raise the brightness (a till scanner reads a bright
 * screen best). `hold()` returns the release, which restores the brightness the user had.
 */
export type HoldScreen = () => () => void;

/** The device's position if the user allows it (gcj02 on WeChat), or null: refused, unavailable, too slow. */
export type GetPosition = () => Promise<{ latitude: number; longitude: number } | null>;
