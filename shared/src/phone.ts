/** "13812345678" → "138****5678"; short or foreign numbers keep only their last 4 digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '****';
  return `${'*'.repeat(Math.min(digits.length - 4, 8))}${digits.slice(-4)}`;
}

/** Mainland mobile numbers and E.164-ish foreign numbers as WeChat returns them. */
export const PHONE_PATTERN = /^\+?\d{5,20}$/;
