import type { BulkPhonesReport, BulkTagResult, ConsoleTagList, SegmentView, TagGroup, TagView, TBulkPhonesBody, TBulkTagBody } from '@o2o/shared';
import { get, patch, post, type Query } from './request';

/** Tags (标签): list with counts, create, rename, manual tagging by phone list or by segment. */
export const listTags = (q: Query = {}) => get<ConsoleTagList>('/tags', q);
export const createTag = (body: { name: string; group: TagGroup }) => post<{ tag: TagView }>('/tags', body).then((r) => r.tag);
export const renameTag = (id: number, name: string) => patch<{ tag: TagView }>(`/tags/${id}`, { name }).then((r) => r.tag);
/** Dry run first (`dryRun: true`), then the same list to apply. */
export const tagByPhones = (body: TBulkPhonesBody) => post<BulkPhonesReport>('/tags/bulk-phones', body);
export const bulkTag = (body: TBulkTagBody) => post<BulkTagResult>('/tags/bulk', body);
export const listSegments = () => get<{ items: SegmentView[]; nextCursor: string | null }>('/segments', { limit: 100 });
export const previewSegment = (rule: SegmentView['rule']) => post<{ count: number }>('/segments/preview', { rule });
