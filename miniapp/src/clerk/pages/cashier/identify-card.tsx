import { useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { CashierState } from '../../cashier/cashier-flow';
import { scanCode } from '../../platform/scan';

/** Step 1: the customer's member code (scanned, or the digits typed) or their phone number. */
export function IdentifyCard({ state, onIdentify }: { state: CashierState; onIdentify: (text: string) => void }) {
  const [text, setText] = useState('');
  const [scanError, setScanError] = useState<string | null>(null);
  const items = state.lines.reduce((n, l) => n + l.quantity, 0);

  const scan = async () => {
    setScanError(null);
    try {
      const result = await scanCode();
      if (result !== null) onIdentify(result);
    } catch {
      setScanError('扫码失败，请输入会员码下方的数字或顾客手机号');
    }
  };

  const error = scanError ?? state.identifyError;
  return (
    <View className='card cashier-identify'>
      <Text className='card__title'>识别顾客</Text>
      <Text className='cashier-identify__text'>请顾客打开小程序首页的「会员码」，扫描条码或二维码</Text>
      <Button className='btn btn--primary btn--block cashier-identify__scan' onClick={() => void scan()}>
        <Text>扫描会员码</Text>
      </Button>
      <Text className='cashier-identify__or'>或输入会员码数字 / 顾客手机号</Text>
      <Input
        className='phone-bind__input cashier-identify__input'
        type='number'
        placeholder='18 位会员码或 11 位手机号'
        maxlength={24}
        value={text}
        onInput={(e) => setText(e.detail.value)}
      />
      <Button
        className={`btn btn--ghost btn--block ${state.identifying ? 'btn--disabled' : ''}`}
        disabled={state.identifying}
        loading={state.identifying}
        onClick={() => onIdentify(text)}
      >
        <Text>{state.identifying ? '识别中…' : '识别会员'}</Text>
      </Button>
      {error && <Text className='cashier-error'>{error}</Text>}
      {items > 0 && <Text className='cashier-identify__kept'>已选 {items} 件商品，识别顾客后继续结账</Text>}
    </View>
  );
}
