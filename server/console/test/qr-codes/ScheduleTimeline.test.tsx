import { render, screen, within } from '@testing-library/react';
import type { QrTimelineEntry } from '@o2o/shared';
import { ScheduleTimeline, timelineOrder } from '../../src/components/ScheduleTimeline';

/** The code's schedules on one timeline: ordered by start, past greyed, current 生效中, future 待生效, times in Shanghai. */

const entry = (e: Partial<QrTimelineEntry> & Pick<QrTimelineEntry, 'id' | 'kind' | 'state' | 'validFrom'>): QrTimelineEntry => ({
  refId: e.id * 10,
  name: `名${e.id}`,
  group: e.kind === 'tag' ? 'category' : null,
  validTo: null,
  createdBy: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...e,
});

// given out of order on purpose
const items: QrTimelineEntry[] = [
  entry({ id: 3, kind: 'tag', state: 'future', validFrom: '2026-12-20T02:00:00.000Z', name: '年货节' }),
  entry({ id: 1, kind: 'tag', state: 'past', validFrom: '2026-11-01T00:00:00.000Z', validTo: '2026-12-10T02:00:00.000Z', name: '坚果' }),
  entry({ id: 9, kind: 'coupon', state: 'current', validFrom: '2026-12-10T02:00:00.000Z', name: '满30减5' }),
  entry({ id: 2, kind: 'tag', state: 'current', validFrom: '2026-12-10T02:00:00.000Z', name: '卤味', group: 'category' }),
  entry({ id: 4, kind: 'tag', state: 'current', validFrom: '2026-10-01T00:00:00.000Z', name: '门店渠道', group: 'channel' }),
];

describe('ScheduleTimeline', () => {
  it('orders by start (tags before coupons at the same instant) and marks each entry with its state', () => {
    render(<ScheduleTimeline items={items} />);
    const rendered = screen.getAllByTestId(/^schedule-entry-/);
    expect(rendered.map((el) => el.getAttribute('data-testid'))).toEqual(['schedule-entry-tag-4', 'schedule-entry-tag-1', 'schedule-entry-tag-2', 'schedule-entry-coupon-9', 'schedule-entry-tag-3']);
    expect(rendered.map((el) => el.getAttribute('data-state'))).toEqual(['current', 'past', 'current', 'current', 'future']);

    const past = screen.getByTestId('schedule-entry-tag-1');
    expect(within(past).getByText('已结束')).toBeTruthy();
    expect(past.style.opacity).toBe('0.55'); // greyed
    expect(within(past).getByText('2026-11-01 08:00 起，至 2026-12-10 10:00')).toBeTruthy(); // Asia/Shanghai

    const current = screen.getByTestId('schedule-entry-tag-2');
    expect(within(current).getByText('生效中')).toBeTruthy();
    expect(within(current).getByText('品类标签')).toBeTruthy();
    expect(current.style.opacity).toBe('');
    expect(within(screen.getByTestId('schedule-entry-coupon-9')).getByText('扫码券')).toBeTruthy();
    expect(within(screen.getByTestId('schedule-entry-tag-4')).getByText('渠道标签')).toBeTruthy();

    const future = screen.getByTestId('schedule-entry-tag-3');
    expect(within(future).getByText('待生效')).toBeTruthy();
    expect(within(future).getByText('2026-12-20 10:00 起，长期有效')).toBeTruthy();
  });

  it('says so when a code has no schedule yet', () => {
    render(<ScheduleTimeline items={[]} />);
    expect(screen.getByText('还没有标签或扫码券排期')).toBeTruthy();
  });

  it('sorts without touching the input', () => {
    const copy = [...items];
    expect(timelineOrder(items).map((e) => e.id)).toEqual([4, 1, 2, 9, 3]);
    expect(items).toEqual(copy);
  });
});
