import { useCallback, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { RedemptionListItem } from '@o2o/shared';
import { ListFooter } from '../../../components/list-footer';
import { EmptyState, ErrorState, LoadingState } from '../../../components/state-view';
import { usePagedList } from '../../../hooks/use-paged-list';
import { dateTime, yuan } from '../../../utils/format';
import { listRedemptions, reverseRedemption } from '../../api/redemptions';
import { describeRedeemError } from '../../redeem/redeem-errors';

const REASONS = ['顾客退单', '核销错券', '金额录错'];
const keyOf = (r: RedemptionListItem) => r.id;

/** 最近核销 with 撤销 (a reason is required; the server allows it in the same store within 24 h). */
export function RecentRedemptions({ version, onReversed }: { version: number; onReversed: () => void }) {
  const list = usePagedList((cursor) => listRedemptions(cursor), keyOf, [version]);
  const [open, setOpen] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reverse = useCallback(
    async (id: number, reason: string) => {
      if (busy) return;
      setBusy(true);
      setError(null);
      try {
        await reverseRedemption(id, reason);
        setOpen(null);
        onReversed();
        await list.refresh();
      } catch (err) {
        setError(describeRedeemError(err).message);
      } finally {
        setBusy(false);
      }
    },
    [busy, list, onReversed],
  );

  return (
    <View className='card redeem-recent'>
      <Text className='card__title'>最近核销</Text>
      {list.status === 'loading' && <LoadingState />}
      {list.status === 'error' && <ErrorState message={list.error ?? '加载失败'} onRetry={() => void list.refresh()} />}
      {list.status === 'ready' && list.items.length === 0 && <EmptyState title='今天还没有核销' />}
      {list.status === 'ready' &&
        list.items.map((r) => (
          <View key={r.id} className='redeem-recent__row'>
            <View className='redeem-recent__main'>
              <View>
                <Text className='redeem-recent__title'>{r.couponTitle}</Text>
                <Text className='redeem-recent__meta'>
                  {dateTime(r.createdAt)} · 消费 {yuan(r.orderAmountFen)} · 优惠 {yuan(r.discountFen)}
                </Text>
                {r.reversedAt && <Text className='redeem-recent__reversed'>已撤销：{r.reverseReason}</Text>}
              </View>
              {r.reversible && !r.reversedAt && (
                <Text className='redeem-recent__action' onClick={() => setOpen(open === r.id ? null : r.id)}>
                  撤销
                </Text>
              )}
            </View>
            {open === r.id && (
              <View className='redeem-recent__reasons'>
                <Text className='redeem-recent__ask'>请选择撤销原因：</Text>
                {REASONS.map((reason) => (
                  <Button key={reason} className='btn btn--ghost btn--small redeem-recent__reason' disabled={busy} onClick={() => void reverse(r.id, reason)}>
                    <Text>{reason}</Text>
                  </Button>
                ))}
                {error && <Text className='redeem-page__error'>{error}</Text>}
              </View>
            )}
          </View>
        ))}
      {list.status === 'ready' && list.items.length > 0 && (
        <ListFooter hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onRetry={() => void list.loadMore()} />
      )}
    </View>
  );
}
