import { Button, Text, View } from '@tarojs/components';
import { groupDigits } from '@o2o/shared/member-code';
import { ErrorState, LoadingState } from '../../components/state-view';
import { useCustomer } from '../../hooks/use-customer';
import { useMemberCode } from '../../member-code/use-member-code';
import type { MemberCodeState } from '../../member-code/member-code-clock';
import { BarcodeView } from '../../platform/barcode-view';
import { QrView } from '../../platform/qr-view';
import { memberBadge } from '../../utils/member-level';
import { openPage, PAGES } from '../../utils/nav';
import './index.scss';

/**
 * 会员码: what the customer shows at the till. The same 18 digits as a Code 128 barcode (the till's scanner), a QR
 * code (the clerk app's camera) and grouped digits (read out or typed). The code rotates with a countdown and is
 * good for one sale; the points balance is reloaded with every new code, so a sale just rung up shows here.
 */
export default function MemberCodePage() {
  const { state: me, reload } = useCustomer();
  const { state, refresh } = useMemberCode(() => void reload());

  if (me.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (me.status === 'error') return <View className='page'><ErrorState message={me.message} onRetry={() => void reload()} /></View>;

  const { customer } = me;
  return (
    <View className='page member-code-page'>
      <View className='member-code'>
        <View className='member-code__head'>
          <Text className='member-code__brand'>小食光 · 会员码</Text>
          <Text className='member-code__badge'>{memberBadge(customer)}</Text>
        </View>
        <View className='member-code__body'>
          <Text className='member-code__hint'>
            {customer.isMember ? '结账时出示，享会员价、积分抵现并累积积分' : '结账时出示，消费自动记录到您的账户'}
          </Text>
          <CodeArea state={state} onRefresh={refresh} />
        </View>
        <View className='member-code__foot' onClick={() => openPage(PAGES.points)}>
          <Text className='member-code__points-label'>我的积分</Text>
          <Text className='member-code__points'>{customer.pointsBalance}</Text>
          <Text className='member-code__more'>积分明细 ›</Text>
        </View>
      </View>

      {!customer.isMember && (
        <View className='card member-code-page__join' onClick={() => openPage(PAGES.index)}>
          <Text className='member-code-page__join-title'>还不是会员？</Text>
          <Text className='member-code-page__join-text'>绑定手机号成为会员，到店结账享会员价、积分抵现 ›</Text>
        </View>
      )}

      <View className='member-code-page__notes'>
        <Text className='member-code-page__note'>会员码每 60 秒自动刷新，每个码只能用于一笔消费</Text>
        <Text className='member-code-page__note'>仅限本人到店当面使用，请勿截图或发送给他人</Text>
      </View>
    </View>
  );
}

function CodeArea({ state, onRefresh }: { state: MemberCodeState; onRefresh: () => void }) {
  if (state.phase === 'loading') {
    return (
      <View className='member-code__placeholder'>
        <Text className='member-code__muted'>正在生成会员码…</Text>
      </View>
    );
  }
  if (state.phase === 'error') {
    return (
      <View className='member-code__placeholder'>
        {state.offline && <Text className='member-code__offline'>网络已断开</Text>}
        <Text className='member-code__error'>{state.message}</Text>
        <Button className='btn btn--primary btn--small member-code__retry' onClick={onRefresh}>
          <Text>重新获取会员码</Text>
        </Button>
      </View>
    );
  }
  const { code, secondsLeft, unrefreshed, offline, refreshing } = state;
  let status = `${secondsLeft} 秒后自动刷新`;
  if (refreshing) status = '正在刷新…';
  else if (unrefreshed) status = offline ? '网络不可用，会员码暂未刷新，仍可使用' : '会员码暂未刷新，仍可使用';
  return (
    <View className='member-code__code'>
      <BarcodeView className='member-code__barcode' digits={code.digits} />
      <Text className='member-code__digits'>{groupDigits(code.digits)}</Text>
      <QrView className='member-code__qr' text={code.qrToken || code.digits} />
      <View className='member-code__status'>
        <Text className={`member-code__countdown ${unrefreshed ? 'member-code__countdown--warn' : ''}`}>{status}</Text>
        <Text className='member-code__refresh' onClick={onRefresh}>
          刷新
        </Text>
      </View>
    </View>
  );
}
