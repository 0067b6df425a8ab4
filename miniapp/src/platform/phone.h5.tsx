import { useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import { describeError } from '../utils/error-message';
import { postEmulator } from './emulator.h5';
import type { PhoneBindButtonProps } from './types';

const MAINLAND_MOBILE = /^1\d{10}$/;

/**
 * H5 stand-in for WeChat's phone button: the visitor types a number and the emulator issues the
 * one-time phone code that `getPhoneNumber` would have given.
 */
export function PhoneBindButton({ onCode, busy = false }: PhoneBindButtonProps) {
  const [phone, setPhone] = useState('');
  const [requesting, setRequesting] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const working = busy || requesting;

  const submit = async () => {
    if (working) return;
    const phoneNumber = phone.trim();
    if (!MAINLAND_MOBILE.test(phoneNumber)) {
      setHint('请输入 11 位手机号');
      return;
    }
    setHint(null);
    setRequesting(true);
    try {
      const { code } = await postEmulator<{ code: string }>('/__emulator/phone-code', { phoneNumber });
      onCode(code);
    } catch (err) {
      setHint(describeError(err, '获取手机号验证码失败，请重试'));
    } finally {
      setRequesting(false);
    }
  };

  return (
    <View className='phone-bind'>
      <Input
        className='phone-bind__input'
        type='number'
        maxlength={11}
        placeholder='请输入手机号'
        value={phone}
        onInput={(e) => setPhone(e.detail.value)}
      />
      {/* Label in its own Text: React must not rewrite the text of a Taro H5 (Stencil) button, and no
          `loading` spinner, which Stencil inserts into the same element (NotFoundError on re-render). */}
      <Button className={`btn btn--primary btn--block ${working ? 'btn--disabled' : ''}`} onClick={submit} disabled={working}>
        <Text>{working ? '绑定中…' : '绑定手机号'}</Text>
      </Button>
      {hint && <Text className='phone-bind__hint'>{hint}</Text>}
    </View>
  );
}
