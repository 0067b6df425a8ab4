import { useCallback, useEffect, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { listInbox } from '../api/inbox';

/** The inbox's unread count for the member centre's badge; refreshed whenever the page shows again. */
export function useUnreadCount(ready: boolean): { unread: number; reload: () => Promise<boolean> } {
  const [unread, setUnread] = useState(0);
  const reload = useCallback(async () => {
    try {
      setUnread((await listInbox(undefined, 1)).unreadCount);
      return true;
    } catch {
      return false; // the badge is a hint: no error state for it
    }
  }, []);
  useEffect(() => {
    if (ready) void reload();
  }, [ready, reload]);
  useDidShow(() => {
    if (ready) void reload();
  });
  return { unread, reload };
}
