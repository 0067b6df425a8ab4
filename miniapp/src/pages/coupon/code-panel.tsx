import { useEffect } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { useRotatingCode } from '../../coupon/use-rotating-code';
import { groupDigits } from '../../coupon/coupon-text';
import { QrView } from '../../platform/qr-view';

/** The rotating code itself: QR, digits, the countdown, and the used / retry states. */
export function CodePanel({ couponId, onUsed }: { couponId: number; onUsed: () => void }) {
  const { state, retry } = useRotatingCode(couponId);
  const used = state.phase === 'used';
  useEffect(() => {
    if (used) onUsed();
  }, [used, onUsed]);

  if (state.phase === 'loading') {
    return (
      <View className='card code-panel'>
        <View className='code-panel__placeholder'>
          <Text className='code-panel__hint'>正在生成券码…</Text>
        </View>
      </View>
    );
  }
  if (state.phase === 'error') {
    return (
      <View className='card code-panel'>
        <View className='code-panel__placeholder'>
          <Text className='code-panel__error'>{state.message}</Text>
          <Button className='btn btn--primary btn--small code-panel__retry' onClick={retry}>
            <Text>重新获取券码</Text>
          </Button>
        </View>
      </View>
    );
  }
  if (state.phase === 'unusable') {
    return (
      <View className='card code-panel'>
        <Text className='code-panel__error'>{state.message}</Text>
      </View>
    );
  }
  if (used) return null; // the page shows the redeemed state

  const { code, secondsLeft, stale } = state;
  return (
    <View className='card code-panel'>
      <Text className='code-panel__title'>请向店员出示券码</Text>
      <View className={`code-panel__qr-wrap ${stale ? 'code-panel__qr-wrap--stale' : ''}`}>
        <QrView className='code-panel__qr' text={code.token} />
        {stale && <Text className='code-panel__stale'>券码刷新中…</Text>}
      </View>
      <Text className='code-panel__digits'>{groupDigits(code.digits)}</Text>
      <Text className='code-panel__countdown'>{stale ? '正在刷新券码' : `${secondsLeft} 秒后自动刷新`}</Text>
    </View>
  );
}
