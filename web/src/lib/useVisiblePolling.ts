import { useCallback, useEffect, useRef } from 'react';

/**
 * Calls `poll` at once, then `intervalMs` after each call has finished, while the page is visible: a hidden tab
 * makes no requests, and the page polls again as soon as it is shown. Calls never overlap; the signal is aborted on
 * unmount. The latest `poll` is always used. Returns a function that polls now (after a change the person made);
 * asked while a call is running, it polls again right after that call, so the answer reflects the change.
 */
export function useVisiblePolling(
  poll: (signal: AbortSignal) => Promise<void>,
  intervalMs: number,
): () => void {
  const pollRef = useRef(poll);
  useEffect(() => {
    pollRef.current = poll;
  });
  const nowRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    let running = false;
    let again = false;
    const visible = () => document.visibilityState !== 'hidden';

    const run = async () => {
      window.clearTimeout(timer);
      timer = undefined;
      if (controller.signal.aborted) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await pollRef.current(controller.signal);
      } catch {
        // `poll` shows its own errors; polling goes on.
      } finally {
        running = false;
      }
      if (controller.signal.aborted) return;
      if (again) {
        again = false;
        void run();
      } else if (visible()) {
        timer = window.setTimeout(() => void run(), intervalMs);
      }
    };

    const onVisibilityChange = () => {
      if (!visible()) {
        window.clearTimeout(timer);
        timer = undefined;
      } else if (timer === undefined && !running) {
        void run();
      }
    };

    nowRef.current = () => void run();
    document.addEventListener('visibilitychange', onVisibilityChange);
    void run();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
      nowRef.current = () => undefined;
    };
  }, [intervalMs]);

  return useCallback(() => nowRef.current(), []);
}
