import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { tagLabel, tagMatches } from '@o2o/shared';
import { listTags } from '../../api/tags';
import { TAG_GROUP } from '../customers/labels';

/**
 * A tag picker grouped by tag group (a brand has hundreds of tags: all of them load once, filtered in the page).
 * `manualOnly` leaves out lifecycle and RFM tags, which only the rule recompute writes. Options show `tagLabel`
 * (新客, 最近购买 · 很近 (R5)…); typing finds a tag by that label or by its stored name.
 */
export function TagSelect({
  value,
  onChange,
  manualOnly = false,
  placeholder = '选择标签',
  testId,
}: {
  value?: number | string;
  onChange?: (v: number | undefined) => void;
  manualOnly?: boolean;
  placeholder?: string;
  testId?: string;
}) {
  const { data, isLoading } = useQuery({ queryKey: ['tags', 'all'], queryFn: () => listTags(), staleTime: 60_000 });
  const tags = (data?.items ?? []).filter((t) => !manualOnly || !t.ruleManaged);
  const groups = [...new Set(tags.map((t) => t.group))];
  const id = value === undefined || value === null || value === '' ? undefined : Number(value);
  return (
    <Select<number>
      data-testid={testId}
      showSearch
      allowClear
      loading={isLoading}
      placeholder={placeholder}
      value={id}
      onChange={(v) => onChange?.(v ?? undefined)}
      filterOption={(input, option) => !!option && 'tag' in option && tagMatches(option.tag, input)}
      options={groups.map((g) => ({
        label: TAG_GROUP[g],
        title: g,
        options: tags.filter((t) => t.group === g).map((t) => ({ value: t.id, label: tagLabel(t), tag: t })),
      }))}
      style={{ minWidth: 180 }}
    />
  );
}
