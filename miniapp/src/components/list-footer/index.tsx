import { Text } from '@tarojs/components';

/** The line under an infinite list: loading, a retry after a failed page (`error` set), or the end. */
export function ListFooter({
  hasMore,
  loading,
  error,
  onRetry,
}: {
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  onRetry: () => void;
}) {
  if (error) {
    return (
      <Text className='list-footer list-footer--action' onClick={onRetry}>
        加载失败，点击重试
      </Text>
    );
  }
  if (loading) return <Text className='list-footer'>加载中…</Text>;
  if (hasMore) return <Text className='list-footer'>上拉加载更多</Text>;
  return <Text className='list-footer'>没有更多了</Text>;
}
