import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api';

export interface CursorList<T> {
  items: T[];
  /** True while the first page loads (or reloads). */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  reload: () => void;
  loadMore: () => void;
  /** Replaces or edits loaded items locally after a successful change, without a reload. */
  update: (change: (items: T[]) => T[]) => void;
}

type Fetcher<T> = (params: { cursor: string | null; signal: AbortSignal }) => Promise<Page<T>>;

/**
 * Loads a cursor-paginated API list: the first page on mount (and whenever `key` changes), further pages on
 * demand. Outdated answers (after a reload or a filter change) are dropped.
 */
export function useCursorList<T>(fetchPage: Fetcher<T>, key: string = ''): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const fetchRef = useRef(fetchPage);
  // Always call the latest fetcher (it closes over filters) without making it a dependency of the load effect.
  useEffect(() => {
    fetchRef.current = fetchPage;
  });
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    controllerRef.current?.abort();
    controllerRef.current = controller;
    setLoading(true);
    setError(null);
    fetchRef
      .current({ cursor: null, signal: controller.signal })
      .then((page) => {
        if (controller.signal.aborted) return;
        setItems(page.data);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [key, generation]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const controller = controllerRef.current ?? new AbortController();
    setLoadingMore(true);
    fetchRef
      .current({ cursor, signal: controller.signal })
      .then((page) => {
        if (controller.signal.aborted) return;
        setItems((previous) => [...previous, ...page.data]);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      })
      .finally(() => setLoadingMore(false));
  }, [cursor, loadingMore]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((change: (items: T[]) => T[]) => setItems(change), []);

  return { items, loading, loadingMore, error, hasMore: cursor !== null, reload, loadMore, update };
}
