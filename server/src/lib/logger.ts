import pino, { type Logger } from 'pino';

/**
 * Structured logs. Phone numbers, tokens, keys and WeChat secrets are redacted by path; the phone
 * pattern scrub in `safeText` covers free text (error messages) before it is logged.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.password',
  '*.phone',
  '*.phoneNumber',
  '*.purePhoneNumber',
  '*.phoneCode',
  '*.code',
  '*.session_key',
  '*.sessionKey',
  '*.secret',
  '*.access_token',
  '*.apiV3Key',
  '*.inviteCode',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Masks anything that looks like a mainland mobile number or an access_token query parameter. */
export function safeText(text: string): string {
  return text
    .replace(/(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)/g, '$1****$2')
    .replace(/(access_token|secret|js_code)=[^&\s]+/g, '$1=[redacted]');
}

export type { Logger };
