import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import type { PhoneBindButtonProps } from './types';

/** What `getPhoneNumber` hands back: `code` on success, `errno`/`errMsg` otherwise. */
export interface PhoneNumberDetail {
  code?: string;
  errMsg?: string;
  errno?: number;
}

/** A friendly line for a failed getPhoneNumber, or null when the user simply declined (no nagging). */
export function phoneErrorMessage(detail: PhoneNumberDetail): string | null {
  // 1400001: the mini-program's quota for phone-number verification is used up.
  if (detail.errno === 1400001) return '手机号快捷验证暂不可用，请稍后再试';
  if (/deny|cancel/i.test(detail.errMsg ?? '')) return '您已取消授权，可随时再次点击绑定';
  return '获取手机号失败，请重试';
}

/** WeChat's own phone button: the tap opens WeChat's consent sheet and yields a one-time code. */
export function PhoneBindButton({ onCode, busy = false }: PhoneBindButtonProps) {
  const [hint, setHint] = useState<string | null>(null);

  const handleGetPhoneNumber = (e: { detail: PhoneNumberDetail }) => {
    const detail = e.detail ?? {};
    if (detail.code) {
      setHint(null);
      onCode(detail.code);
      return;
    }
    setHint(phoneErrorMessage(detail));
  };

  return (
    <View className='phone-bind'>
      <Button
        className={`btn btn--primary btn--block ${busy ? 'btn--disabled' : ''}`}
        openType='getPhoneNumber'
        onGetPhoneNumber={handleGetPhoneNumber}
        loading={busy}
        disabled={busy}
      >
        {busy ? '绑定中…' : '微信手机号一键绑定'}
      </Button>
      {hint && <Text className='phone-bind__hint'>{hint}</Text>}
    </View>
  );
}
