import { ProTable, type ProTableProps } from '@ant-design/pro-components';
import { App } from 'antd';
import { useRef } from 'react';
import type { PagedList } from '@o2o/shared';
import type { Query } from '../api/request';
import { showTotal, tableRequest } from './table';

/**
 * Every console list: ProTable wired to an offset-paged endpoint with the house defaults — filters and page in the
 * URL, server paging with "共 N 条" (or "超过 10,000 条" when the server capped the count), request errors shown
 * as the Chinese message, column settings and reload. Pages pass `fetch` instead of `request`; everything else is
 * ProTable's own props and overrides the defaults.
 */
export function ConsoleTable<T extends Record<string, any>>({
  fetch,
  fixedQuery,
  ...props
}: Omit<ProTableProps<T, Record<string, any>>, 'request'> & { fetch: (q: Query) => Promise<PagedList<T>>; fixedQuery?: Query }) {
  const { message } = App.useApp();
  const capped = useRef(false);
  return (
    <ProTable<T>
      rowKey="id"
      form={{ syncToUrl: true }}
      search={{ labelWidth: 'auto', defaultCollapsed: false }}
      options={{ density: false, setting: true, reload: true }}
      onRequestError={(e) => message.error(e.message)}
      {...props}
      pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (t) => showTotal(t, capped.current), ...(props.pagination || {}) }}
      request={tableRequest(async (q) => {
        const res = await fetch(q);
        capped.current = !!res.totalCapped;
        return res;
      }, fixedQuery)}
    />
  );
}
