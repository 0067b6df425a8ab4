import { useEffect, useMemo, useState } from 'react';
import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { getCoupon, getCouponCode } from '../api/coupons';
import { isApiError } from '../api/api-error';
import { describeError } from '../utils/error-message';
import { RotatingCode, type CodeState, type RotatingCodeDeps } from './rotating-code';

/**
 * The rotating code of one coupon for the detail page: runs while the page is shown, pauses when it is hidden,
 * and keeps the screen awake while a code is on it (a dimming phone at the till is what cashiers hate most).
 */
export function useRotatingCode(couponId: number, overrides?: Partial<RotatingCodeDeps>): { state: CodeState; retry: () => void } {
  const rotating = useMemo(
    () =>
      new RotatingCode(couponId, {
        fetchCode: getCouponCode,
        fetchCoupon: getCoupon,
        describe: (err) => describeError(err, '券码获取失败，请重试'),
        codeOf: (err) => (isApiError(err) ? String(err.code) : undefined),
        ...overrides,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [couponId],
  );
  const [state, setState] = useState<CodeState>(rotating.current);

  useEffect(() => {
    const off = rotating.subscribe(setState);
    rotating.resume();
    return () => {
      off();
      rotating.dispose();
    };
  }, [rotating]);
  useDidShow(() => rotating.resume());
  useDidHide(() => rotating.pause());

  const showing = state.phase === 'showing';
  useEffect(() => {
    void Taro.setKeepScreenOn({ keepScreenOn: showing }).catch(() => undefined);
    return () => void Taro.setKeepScreenOn({ keepScreenOn: false }).catch(() => undefined);
  }, [showing]);

  return { state, retry: () => rotating.retry() };
}
