import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import type { ConsoleTagRow } from '@o2o/shared';
import { TagSelect } from '../../src/pages/tags/TagSelect';

jest.setTimeout(30_000); // antd renders slowly in jsdom on a busy 2-core machine

const tag = (id: number, name: string, group: ConsoleTagRow['group']): ConsoleTagRow => ({
  id,
  name,
  group,
  customerCount: 0,
  ruleManaged: group === 'lifecycle' || group === 'rfm',
  createdAt: '2026-01-01T00:00:00.000Z',
});
const TAGS = [tag(1, '坚果', 'category'), tag(2, 'new', 'lifecycle'), tag(3, 'active', 'lifecycle'), tag(4, 'R5', 'rfm'), tag(5, 'M1', 'rfm')];

beforeEach(() => {
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ items: TAGS, total: TAGS.length, countSource: 'sql', countedAt: '2026-01-01T00:00:00.000Z' }), headers: new Headers() }) as unknown as Response) as unknown as typeof fetch;
});

function renderSelect(props: Partial<Parameters<typeof TagSelect>[0]> = {}) {
  const onChange = jest.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <App>
        <TagSelect testId="tag-select" onChange={onChange} {...props} />
      </App>
    </QueryClientProvider>,
  );
  return onChange;
}
const open = () => fireEvent.mouseDown(screen.getByTestId('tag-select').querySelector('.ant-select-selector')!);
const optionTexts = () => Array.from(document.querySelectorAll('.ant-select-item-option')).map((o) => o.textContent);

describe('TagSelect: rule tags in words', () => {
  it('shows lifecycle and RFM tags by their Chinese labels, grouped, and sends the tag id', async () => {
    const onChange = renderSelect();
    await waitFor(() => expect((global.fetch as jest.Mock).mock.calls.length).toBe(1));
    open();
    await screen.findByTitle('最近购买 · 很近 (R5)');
    expect(optionTexts()).toEqual(['坚果', '新客', '活跃', '最近购买 · 很近 (R5)', '消费金额 · 很低 (M1)']);
    expect(Array.from(document.querySelectorAll('.ant-select-item-group')).map((g) => g.textContent)).toEqual(['品类偏好', '生命周期', 'RFM']);
    fireEvent.click(screen.getByTitle('活跃'));
    expect(onChange).toHaveBeenCalledWith(3);
  });

  it('finds a tag by its label or by its stored name', async () => {
    renderSelect();
    open();
    await screen.findByTitle('新客');
    const input = screen.getByTestId('tag-select').querySelector('input')!;
    fireEvent.change(input, { target: { value: '活跃' } });
    await waitFor(() => expect(optionTexts()).toEqual(['活跃']));
    fireEvent.change(input, { target: { value: 'r5' } });
    await waitFor(() => expect(optionTexts()).toEqual(['最近购买 · 很近 (R5)']));
    fireEvent.change(input, { target: { value: '消费' } });
    await waitFor(() => expect(optionTexts()).toEqual(['消费金额 · 很低 (M1)']));
  });

  it('manualOnly leaves the rule tags out', async () => {
    renderSelect({ manualOnly: true });
    open();
    await screen.findByTitle('坚果');
    expect(optionTexts()).toEqual(['坚果']);
  });
});
