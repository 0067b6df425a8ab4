import type { AlertView, AuditEntryView, PagedList, TResolveAlertBody } from '@o2o/shared';
import { get, post, type Query } from './request';

/** Open alerts for the header bell (marketer/admin; other roles get 403 and the bell is not shown). */
export const alertCount = () => get<{ open: number }>('/alerts/count');

/** 告警: newest first, filtered by status and kind. */
export const listAlerts = (q: Query) => get<PagedList<AlertView>>('/alerts', q);
/** Admins: open → resolved with a note; a second time answers 409 ALERT_ALREADY_RESOLVED. */
export const resolveAlert = (id: number, body: TResolveAlertBody) => post<{ alert: AlertView }>(`/alerts/${id}/resolve`, body).then((r) => r.alert);

/** 操作日志: admins the brand's, store managers their store's. */
export const listAudit = (q: Query) => get<PagedList<AuditEntryView>>('/audit', q);
