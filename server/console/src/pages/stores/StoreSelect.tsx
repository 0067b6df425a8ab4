import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { searchStores } from '../../api/stores';

/**
 * A store picker: searches stores by code or name on the server (1,300 stores are never all in the page). The value
 * is the store id (a string when it comes back from the URL). `onlyActive` hides closed stores (moving staff).
 */
export function StoreSelect({
  value,
  onChange,
  placeholder = '全部门店',
  onlyActive,
  testId,
}: {
  value?: number | string;
  onChange?: (v: number | undefined) => void;
  placeholder?: string;
  onlyActive?: boolean;
  testId?: string;
}) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(t);
  }, [typed]);
  // Not ['stores', 'pick', q]: the orders area's picker caches a paged list under that key, this one an array.
  const { data, isFetching } = useQuery({ queryKey: ['stores', 'select', q], queryFn: () => searchStores(q || undefined), staleTime: 60_000 });
  const id = value === undefined || value === null || value === '' ? undefined : Number(value);
  const options = (data ?? []).filter((s) => !onlyActive || s.status === 'active').map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }));
  if (id !== undefined && !options.some((o) => o.value === id)) options.unshift({ value: id, label: `门店 #${id}` });
  return (
    <Select<number>
      data-testid={testId}
      showSearch
      allowClear
      filterOption={false}
      placeholder={placeholder}
      value={id}
      onChange={(v) => onChange?.(v ?? undefined)}
      onSearch={setTyped}
      options={options}
      notFoundContent={isFetching ? <Spin size="small" /> : '无匹配门店'}
      style={{ minWidth: 200 }}
    />
  );
}
