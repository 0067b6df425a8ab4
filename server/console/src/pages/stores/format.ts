import type { StoreStatus } from '@o2o/shared';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

// main.tsx sets these up for the app; extending again is a no-op, and component tests get them too.
dayjs.extend(utc);
dayjs.extend(timezone);

/** An instant as the brand reads it: Asia/Shanghai, 'YYYY-MM-DD HH:mm'. */
export const shanghai = (iso: string | null | undefined) => (iso ? dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm') : '—');

export const STORE_STATUS: Record<StoreStatus, { text: string; color: string }> = {
  active: { text: '营业', color: 'green' },
  closed: { text: '停业', color: 'default' },
};
