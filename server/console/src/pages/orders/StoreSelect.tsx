import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { searchStores } from '../../api/orders';

/**
 * A store picker for list filters: searches the stores by name or code on the server (1,300 stores: never all in
 * the page). The value is the store id (a string when it comes back from the URL).
 */
export function StoreSelect(props: { value?: number | string; onChange?: (v: number | undefined) => void; placeholder?: string; multiple?: false }): JSX.Element;
export function StoreSelect(props: { value?: number[]; onChange?: (v: number[]) => void; placeholder?: string; multiple: true }): JSX.Element;
export function StoreSelect({ value, onChange, placeholder = '全部门店', multiple = false }: { value?: number | string | number[]; onChange?: (v: any) => void; placeholder?: string; multiple?: boolean }) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [labels, setLabels] = useState<Record<number, string>>({});
  useEffect(() => {
    const t = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(t);
  }, [typed]);
  const { data, isFetching } = useQuery({ queryKey: ['stores', 'pick', q], queryFn: () => searchStores(q || undefined), staleTime: 60_000 });
  const ids = (Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]).map(Number);
  const options = (data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }));
  // Chosen stores not in this page of results (from the URL, or an earlier search) still show a label.
  for (const id of ids) if (!options.some((o) => o.value === id)) options.unshift({ value: id, label: labels[id] ?? `门店 #${id}` });
  return (
    <Select<number | number[]>
      showSearch
      allowClear
      mode={multiple ? 'multiple' : undefined}
      filterOption={false}
      placeholder={placeholder}
      value={multiple ? ids : ids[0]}
      onChange={(v, opts) => {
        const chosen = Array.isArray(opts) ? opts : opts ? [opts] : [];
        setLabels((m) => ({ ...m, ...Object.fromEntries(chosen.map((o) => [o.value, o.label])) }));
        onChange?.(multiple ? ((v as number[] | undefined) ?? []) : ((v as number | undefined) ?? undefined));
      }}
      onSearch={setTyped}
      options={options}
      notFoundContent={isFetching ? <Spin size="small" /> : '无匹配门店'}
      style={{ minWidth: 180 }}
    />
  );
}
