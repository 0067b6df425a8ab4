import type { PagedList } from '@o2o/shared';
import type { Query } from '../api/request';

/**
 * The one adapter from ProTable's `request(params, sort)` to a console list endpoint (offset paging, see
 * shared/src/api/console.ts): strips empty filters, maps ProTable's sort to `sort`/`order`, and returns what
 * ProTable expects. Use with `form={{ syncToUrl: true }}` so filters and page live in the URL.
 *
 *   <ProTable request={tableRequest((q) => listStores(q))} form={{ syncToUrl: true }} … />
 */
export function tableRequest<T>(fetch: (q: Query) => Promise<PagedList<T>>, fixed: Query = {}) {
  return async (params: Record<string, unknown> & { current?: number; pageSize?: number }, sort: Record<string, 'ascend' | 'descend' | null> = {}) => {
    const q: Query = { ...fixed };
    for (const [k, v] of Object.entries(params)) {
      if (k === 'keyword' || v === undefined || v === null || v === '') continue;
      q[k] = Array.isArray(v) ? (v as (string | number)[]) : (v as string | number | boolean);
    }
    const [field, order] = Object.entries(sort).find(([, o]) => o) ?? [];
    if (field && order) {
      q.sort = field;
      q.order = order;
    }
    const res = await fetch(q);
    return { data: res.items, total: res.total, success: true };
  };
}

/** "共 N 条" with the capped form for long lists whose exact count the server did not spend a scan on. */
export function showTotal(total: number, capped?: boolean): string {
  return capped ? `超过 ${total.toLocaleString('zh-CN')} 条` : `共 ${total.toLocaleString('zh-CN')} 条`;
}
