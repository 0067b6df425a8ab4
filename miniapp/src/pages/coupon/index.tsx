import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import type { CouponView } from '@o2o/shared';
import { getCoupon } from '../../api/coupons';
import { CouponCard } from '../../components/coupon-card';
import { ErrorState, LoadingState } from '../../components/state-view';
import { STATUS_TEXT } from '../../coupon/coupon-text';
import { ensureConsumer } from '../../services/consumer-session';
import { describeError } from '../../utils/error-message';
import { dateTime } from '../../utils/format';
import { CodePanel } from './code-panel';
import './index.scss';

type Loaded = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; coupon: CouponView };

/**
 * 优惠券详情: the coupon and, while it is usable, its rotating redemption code (QR + 12 digits) for the clerk to
 * scan or type. When the clerk confirms, the status poll turns the code into "已使用" on the customer's screen.
 */
export default function CouponPage() {
  const { params } = useRouter();
  const id = Number(params.id);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [used, setUsed] = useState(false);

  const load = useCallback(async () => {
    setLoaded({ status: 'loading' });
    try {
      await ensureConsumer();
      setLoaded({ status: 'ready', coupon: await getCoupon(id) });
    } catch (err) {
      setLoaded({ status: 'error', message: describeError(err, '优惠券加载失败') });
    }
  }, [id]);
  useEffect(() => {
    if (Number.isInteger(id) && id > 0) void load();
    else setLoaded({ status: 'error', message: '优惠券不存在' });
  }, [id, load]);

  if (loaded.status === 'loading') return <View className='page'><LoadingState /></View>;
  if (loaded.status === 'error') return <View className='page'><ErrorState message={loaded.message} onRetry={() => void load()} /></View>;

  const { coupon } = loaded;
  const status = used ? 'redeemed' : coupon.status;
  return (
    <View className='page coupon-page'>
      <CouponCard coupon={coupon} validity={{ from: coupon.validFrom, to: coupon.validTo }} muted={status !== 'issued'} />

      {status === 'issued' ? (
        <CodePanel couponId={coupon.id} onUsed={() => setUsed(true)} />
      ) : (
        <View className='card coupon-page__done'>
          <Text className={`coupon-page__done-stamp ${status === 'redeemed' ? 'coupon-page__done-stamp--used' : ''}`}>{STATUS_TEXT[status] ?? status}</Text>
          {status === 'redeemed' && <Text className='coupon-page__done-text'>{coupon.redeemedAt && !used ? `核销时间 ${dateTime(coupon.redeemedAt)}` : '已在门店核销，感谢光临'}</Text>}
          {status === 'locked' && <Text className='coupon-page__done-text'>这张券已用于一笔待支付的订单，订单关闭后会自动退回</Text>}
          {used && (
            <Button className='btn btn--ghost coupon-page__done-action' onClick={() => void load()}>
              <Text>查看详情</Text>
            </Button>
          )}
        </View>
      )}

      <View className='card coupon-page__terms'>
        <Text className='card__title'>使用说明</Text>
        {coupon.description && <Text className='coupon-page__term'>{coupon.description}</Text>}
        <Text className='coupon-page__term'>{coupon.storeIds.length ? '限指定门店使用' : '全部门店通用'}，到店出示券码由店员扫码核销</Text>
        <Text className='coupon-page__term'>线上下单时可在「确认订单」中选择使用</Text>
        <Text className='coupon-page__term'>券码每 30 秒自动刷新，截图无效，请勿转发他人</Text>
      </View>
    </View>
  );
}
