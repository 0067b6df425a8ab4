import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import type { MemberCodeView } from '@o2o/shared';
import { ClientErrorCode, isApiError } from '../api/api-error';
import { getMemberCode } from '../api/member-code';
import { holdScreen } from '../platform/screen';
import { describeError } from '../utils/error-message';
import { MemberCodeClock, type MemberCodeState } from './member-code-clock';

const isOffline = (err: unknown) => isApiError(err) && err.code === ClientErrorCode.NETWORK_ERROR;

/**
 * The member code for its page: runs while the page is shown and pauses when it is hidden; while a code is on
 * screen the screen stays awake and bright (restored on leave); when the network comes back after a failure, a
 * new code is fetched at once.
 */
export function useMemberCode(onNewCode?: (code: MemberCodeView) => void): { state: MemberCodeState; refresh: () => void } {
  const latest = useRef(onNewCode);
  latest.current = onNewCode;
  const clock = useMemo(
    () =>
      new MemberCodeClock({
        fetchCode: getMemberCode,
        describe: (err) => (isOffline(err) ? '网络不可用，请检查网络后重试' : describeError(err, '会员码获取失败，请重试')),
        isOffline,
        onNewCode: (code) => latest.current?.(code),
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const [state, setState] = useState<MemberCodeState>(clock.current);
  const [visible, setVisible] = useState(true);

  useEffect(() => {
    const off = clock.subscribe(setState);
    clock.resume();
    return () => {
      off();
      clock.dispose();
    };
  }, [clock]);
  useDidShow(() => {
    setVisible(true);
    clock.resume();
  });
  useDidHide(() => {
    setVisible(false);
    clock.pause();
  });

  const showing = state.phase === 'showing' && visible;
  useEffect(() => (showing ? holdScreen() : undefined), [showing]);

  const failed = state.phase === 'error' || (state.phase === 'showing' && state.offline);
  useEffect(() => {
    if (!failed || typeof Taro.onNetworkStatusChange !== 'function') return undefined;
    const onChange = (res: { isConnected: boolean }) => {
      if (res.isConnected) clock.refresh();
    };
    Taro.onNetworkStatusChange(onChange);
    return () => {
      if (typeof Taro.offNetworkStatusChange === 'function') Taro.offNetworkStatusChange(onChange);
    };
  }, [failed, clock]);

  return { state, refresh: () => clock.refresh() };
}
