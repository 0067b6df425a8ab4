import type { HoldScreen } from './types';

interface WakeLockSentinelLike {
  release(): Promise<void>;
}

/**
 * H5: a browser cannot change the brightness; it can keep the screen on with the Screen Wake Lock API where there
 * is one (and only while the page is visible: the browser drops the lock when it is hidden).
 */
export const holdScreen: HoldScreen = () => {
  let released = false;
  let lock: WakeLockSentinelLike | null = null;
  const wakeLock = (navigator as unknown as { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } }).wakeLock;
  wakeLock
    ?.request('screen')
    .then((l) => {
      if (released) void l.release().catch(() => undefined);
      else lock = l;
    })
    .catch(() => undefined);
  return () => {
    released = true;
    if (lock) void lock.release().catch(() => undefined);
    lock = null;
  };
};
