import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '@o2o/shared';
import { describeError } from '../utils/error-message';

export type PagedStatus = 'loading' | 'ready' | 'error';

export interface PagedList<T> {
  items: T[];
  /** First page: loading → ready | error. Later pages and refreshes keep what is shown. */
  status: PagedStatus;
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  /** A later page failed: the list stays and the footer offers a retry. */
  moreError: string | null;
  /** Reload from the first page (pull-to-refresh, retry). Resolves false when it failed; never rejects. */
  refresh: () => Promise<boolean>;
  /** Fetch the next page if there is one and nothing is in flight (reach-bottom). */
  loadMore: () => Promise<void>;
}

/**
 * Cursor pagination (`{items, nextCursor}` as every list endpoint answers) with the states a page needs.
 * A refresh invalidates a page still in flight, so a late answer never appends to the new list; items
 * repeated across pages (new rows arriving between requests) are kept once, by `keyOf`.
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  keyOf: (item: T) => string | number,
  deps: readonly unknown[] = [],
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [status, setStatus] = useState<PagedStatus>('loading');
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const generation = useRef(0);
  const busyMore = useRef(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;

  const refresh = useCallback(async (): Promise<boolean> => {
    const gen = ++generation.current;
    busyMore.current = false;
    setLoadingMore(false);
    setMoreError(null);
    try {
      const page = await fetchRef.current(undefined);
      if (gen !== generation.current) return true;
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(null);
      setStatus('ready');
      return true;
    } catch (err) {
      if (gen !== generation.current) return true;
      setError(describeError(err, '加载失败，请重试'));
      // A list already on screen stays (the page tells the user); only a first load becomes an error page.
      setStatus((s) => (s === 'ready' ? 'ready' : 'error'));
      return false;
    }
  }, []);

  const loadMore = useCallback(async () => {
    if (busyMore.current || cursor === null || status !== 'ready') return;
    const gen = generation.current;
    busyMore.current = true;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await fetchRef.current(cursor);
      if (gen !== generation.current) return;
      setItems((prev) => {
        const seen = new Set(prev.map((i) => keyRef.current(i)));
        return prev.concat(page.items.filter((i) => !seen.has(keyRef.current(i))));
      });
      setCursor(page.nextCursor);
    } catch (err) {
      if (gen === generation.current) setMoreError(describeError(err, '加载失败'));
    } finally {
      if (gen === generation.current) {
        busyMore.current = false;
        setLoadingMore(false);
      }
    }
  }, [cursor, status]);

  useEffect(() => {
    setStatus('loading');
    setItems([]);
    setCursor(null);
    void refresh();
  }, deps);

  return { items, status, error, hasMore: cursor !== null, loadingMore, moreError, refresh, loadMore };
}
