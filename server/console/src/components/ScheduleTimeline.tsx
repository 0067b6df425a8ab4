import { Empty, Space, Tag, Timeline, Typography } from 'antd';
import type { QrTimelineEntry, ScheduleState } from '@o2o/shared';
import { shanghai, TAG_GROUP } from '../pages/qr-codes/format';

const STATE: Record<ScheduleState, { text: string; color: string; dot: string }> = {
  past: { text: '已结束', color: 'default', dot: 'gray' },
  current: { text: '生效中', color: 'green', dot: 'green' },
  future: { text: '待生效', color: 'blue', dot: '#1677ff' },
};

/** Start order (then tags before coupons, then id), as the server sends it: sorted again so any caller gets it right. */
export function timelineOrder(items: QrTimelineEntry[]): QrTimelineEntry[] {
  return [...items].sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom) || (a.kind === b.kind ? a.id - b.id : a.kind === 'tag' ? -1 : 1));
}

/**
 * A code's tag and coupon schedules on one timeline: what the poster meant, means now and will mean. Past entries
 * are greyed, the ones in force now highlighted (生效中), future ones marked 待生效. Times are Asia/Shanghai.
 */
export function ScheduleTimeline({ items }: { items: QrTimelineEntry[] }) {
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="还没有标签或扫码券排期" />;
  return (
    <Timeline
      data-testid="schedule-timeline"
      items={timelineOrder(items).map((e) => {
        const s = STATE[e.state];
        const past = e.state === 'past';
        return {
          key: `${e.kind}-${e.id}`,
          color: s.dot,
          children: (
            <div data-testid={`schedule-entry-${e.kind}-${e.id}`} data-state={e.state} style={past ? { opacity: 0.55 } : undefined}>
              <Space size={6} wrap>
                <Tag>{e.kind === 'tag' ? `${e.group ? TAG_GROUP[e.group] : ''}标签` : '扫码券'}</Tag>
                <Typography.Text strong={e.state === 'current'} type={past ? 'secondary' : undefined}>
                  {e.name}
                </Typography.Text>
                <Tag color={s.color}>{s.text}</Tag>
              </Space>
              <div>
                <Typography.Text type="secondary">
                  {shanghai(e.validFrom)} 起{e.validTo ? `，至 ${shanghai(e.validTo)}` : '，长期有效'}
                </Typography.Text>
              </div>
            </div>
          ),
        };
      })}
    />
  );
}
