import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { recordSubscriptions } from '../../api/inbox';
import { requestSubscribe } from '../../platform/subscribe';
import { subscribeTemplates } from '../../subscribe-templates';
import './index.scss';

/**
 * "开启取餐提醒" on the order result page: right after ordering is when a customer wants the pickup notice, and
 * WeChat only shows the subscription sheet from a tap. The answer (asked and accepted template ids) is recorded
 * so the server knows how many one-time sends it holds. Hidden when no templates are configured.
 */
export function SubscribeCard() {
  const templates = subscribeTemplates();
  const [phase, setPhase] = useState<'ask' | 'asking' | 'on' | 'off'>('ask');
  if (!templates || phase === 'on') {
    return phase === 'on' ? (
      <View className='card subscribe-card'>
        <Text className='subscribe-card__done'>已开启提醒，备好后会第一时间通知您</Text>
      </View>
    ) : null;
  }
  const ask = async () => {
    if (phase === 'asking') return;
    setPhase('asking');
    const ids = [templates.pickup, templates.offer];
    const accepted = await requestSubscribe(ids);
    if (accepted === null) return setPhase('off');
    // Recording is best effort: the customer's choice on screen does not depend on it.
    await recordSubscriptions({ templateIds: ids, accepted }).catch(() => undefined);
    setPhase(accepted.length ? 'on' : 'off');
  };
  return (
    <View className='card subscribe-card'>
      <View className='subscribe-card__text'>
        <Text className='subscribe-card__title'>开启取餐提醒</Text>
        <Text className='subscribe-card__desc'>{phase === 'off' ? '未开启，可随时再次开启' : '商品备好时提醒您，还能收到专属优惠'}</Text>
      </View>
      <Button className='btn btn--primary btn--small' loading={phase === 'asking'} onClick={() => void ask()}>
        <Text>开启</Text>
      </Button>
    </View>
  );
}
