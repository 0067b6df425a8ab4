import { get } from './request';

/** Open alerts for the header bell (marketer/admin; other roles get 403 and the bell is not shown). */
export const alertCount = () => get<{ open: number }>('/alerts/count');
