import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { searchClerks } from '../../api/customers';

/**
 * A clerk picker for the customer filter: searches clerks by name on the server (thousands of clerks: never all in
 * the page). The value is the staff id (a string when it comes back from the URL).
 */
export function ClerkSelect({ value, onChange, placeholder = '全部导购' }: { value?: number | string; onChange?: (v: number | undefined) => void; placeholder?: string }) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [label, setLabel] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(t);
  }, [typed]);
  const { data, isFetching } = useQuery({ queryKey: ['staff', 'clerks', q], queryFn: () => searchClerks(q || undefined), staleTime: 60_000 });
  const id = value === undefined || value === null || value === '' ? undefined : Number(value);
  const options = (data?.items ?? []).map((s) => ({ value: s.id, label: s.storeName ? `${s.name}（${s.storeName}）` : s.name }));
  if (id !== undefined && !options.some((o) => o.value === id)) options.unshift({ value: id, label: label ?? `导购 #${id}` });
  return (
    <Select<number>
      showSearch
      allowClear
      filterOption={false}
      placeholder={placeholder}
      value={id}
      onChange={(v, opt) => {
        if (opt && !Array.isArray(opt)) setLabel(String(opt.label));
        onChange?.(v ?? undefined);
      }}
      onSearch={setTyped}
      options={options}
      notFoundContent={isFetching ? <Spin size="small" /> : '无匹配导购'}
      style={{ minWidth: 160 }}
    />
  );
}
