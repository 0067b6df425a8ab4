import { formatFen, type QrOwnerType, type TagGroup } from '@o2o/shared';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

// main.tsx sets these up for the app; extending again is a no-op, and component tests get them too.
dayjs.extend(utc);
dayjs.extend(timezone);

export const TZ = 'Asia/Shanghai';

/** An instant as the brand reads it: Asia/Shanghai, 'YYYY-MM-DD HH:mm'. */
export const shanghai = (iso: string | null | undefined) => (iso ? dayjs(iso).tz(TZ).format('YYYY-MM-DD HH:mm') : '—');

/**
 * A picked date-time → the API's ISO instant: the wall time the operator sees is Shanghai time, whatever the
 * browser's own time zone (the pickers show plain wall times).
 */
export const shanghaiIso = (v: Dayjs | string) => dayjs.tz(dayjs(v).format('YYYY-MM-DD HH:mm:ss'), TZ).format();

export const yuan = (fen: number | undefined) => `¥${formatFen(fen ?? 0)}`;

export const OWNER_TYPE: Record<QrOwnerType, { text: string; color: string }> = {
  store: { text: '门店码', color: 'geekblue' },
  clerk: { text: '导购码', color: 'purple' },
};

export const TAG_GROUP: Record<TagGroup, string> = { category: '品类', channel: '渠道', custom: '自定义', lifecycle: '生命周期', rfm: 'RFM' };
