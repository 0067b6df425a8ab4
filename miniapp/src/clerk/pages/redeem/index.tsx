import { useEffect, useMemo, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { LoadingState } from '../../../components/state-view';
import { couponFace, couponRule } from '../../../coupon/coupon-text';
import { yuan } from '../../../utils/format';
import { PAGES } from '../../../utils/nav';
import { lookupRedemption, redeem } from '../../api/redemptions';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import { scanCode } from '../../platform/scan';
import { describeRedeemError, reasonText } from '../../redeem/redeem-errors';
import { RedeemFlow, newRequestNo, parseAmount, parseCouponCode, type RedeemState } from '../../redeem/redeem-flow';
import { RecentRedemptions } from './recent';
import './index.scss';

/** 扫码核销: scan (weapp) or type the customer's 12 digits, enter the bill, preview, confirm; recent ones below. */
export default function RedeemPage() {
  const session = useStaffGuard(PAGES.clerkRedeem);
  if (!session) return <View className='page'><LoadingState text='正在验证导购身份…' /></View>;
  return <Redeem />;
}

function Redeem() {
  const flow = useMemo(() => new RedeemFlow({ lookup: lookupRedemption, redeem, newRequestNo: () => newRequestNo(), describe: describeRedeemError }), []);
  const [state, setState] = useState<RedeemState>(flow.current);
  useEffect(() => flow.subscribe(setState), [flow]);
  const [codeText, setCodeText] = useState('');
  const [amountText, setAmountText] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const [recentVersion, setRecentVersion] = useState(0);

  const done = state.phase === 'done';
  useEffect(() => {
    if (done) setRecentVersion((v) => v + 1);
  }, [done]);

  const submit = (text = codeText) => {
    const code = parseCouponCode(text);
    if (!code) return setHint('请扫描顾客的券码，或输入 12 位数字券码');
    const amountFen = parseAmount(amountText);
    if (amountFen === null) return setHint('请输入本单消费金额，如 128.50');
    setHint(null);
    void flow.lookup(code, amountFen);
  };

  const scan = async () => {
    setHint(null);
    try {
      const text = await scanCode();
      if (text === null) return; // cancelled
      if (!parseCouponCode(text)) return setHint('这不是优惠券码，请扫描顾客「优惠券详情」里的二维码');
      setCodeText(text);
      if (parseAmount(amountText) !== null) submit(text);
      else setHint('已识别券码，请输入消费金额后查询');
    } catch {
      setHint('扫码失败，请改为输入 12 位数字券码');
    }
  };

  const next = () => {
    flow.reset();
    setCodeText('');
    setAmountText('');
  };

  const preview = 'preview' in state ? state.preview : null;
  const error = 'error' in state ? state.error : undefined;
  const scanned = parseCouponCode(codeText);
  return (
    <View className='page redeem-page'>
      {!preview && (
        <View className='card redeem-page__form'>
          <Button className='btn btn--primary btn--block redeem-page__scan' onClick={() => void scan()}>
            <Text>扫描顾客券码</Text>
          </Button>
          <Text className='redeem-page__or'>或输入顾客报出的 12 位数字</Text>
          {scanned && 'token' in scanned ? (
            <View className='redeem-page__scanned'>
              <Text className='redeem-page__scanned-text'>已识别顾客券码二维码</Text>
              <Text className='redeem-page__scanned-clear' onClick={() => setCodeText('')}>
                清除
              </Text>
            </View>
          ) : (
            <Input
              className='phone-bind__input redeem-page__input'
              type='number'
              placeholder='12 位数字券码'
              maxlength={14}
              value={codeText}
              onInput={(e) => setCodeText(e.detail.value)}
            />
          )}
          <Input
            className='phone-bind__input redeem-page__input'
            type='digit'
            placeholder='本单消费金额（元）'
            maxlength={10}
            value={amountText}
            onInput={(e) => setAmountText(e.detail.value)}
          />
          <Button
            className={`btn btn--ghost btn--block ${state.phase === 'looking-up' ? 'btn--disabled' : ''}`}
            disabled={state.phase === 'looking-up'}
            loading={state.phase === 'looking-up'}
            onClick={() => submit()}
          >
            <Text>{state.phase === 'looking-up' ? '查询中…' : '查询优惠'}</Text>
          </Button>
          {(hint || error) && <Text className={`redeem-page__error ${error?.rateLimited ? 'redeem-page__error--locked' : ''}`}>{hint ?? error?.message}</Text>}
        </View>
      )}

      {preview && (
        <View className='card redeem-page__preview'>
          <View className='redeem-page__coupon'>
            <Text className='redeem-page__face'>{`${couponFace(preview.coupon).unit === '元' ? '¥' : ''}${couponFace(preview.coupon).value}${couponFace(preview.coupon).unit === '元' ? '' : couponFace(preview.coupon).unit}`}</Text>
            <View className='redeem-page__coupon-body'>
              <Text className='redeem-page__coupon-title'>{preview.coupon.title}</Text>
              <Text className='redeem-page__coupon-rule'>{couponRule(preview.coupon)}</Text>
            </View>
          </View>
          <View className='link-row'>
            <Text className='link-row__label'>会员</Text>
            <Text className='link-row__value'>{preview.member.phoneMasked ?? '未绑定手机号'}</Text>
          </View>
          <View className='link-row'>
            <Text className='link-row__label'>消费金额</Text>
            <Text className='link-row__value'>{yuan(parseAmount(amountText) ?? 0)}</Text>
          </View>
          <View className='link-row'>
            <Text className='link-row__label'>本单优惠</Text>
            <Text className='price redeem-page__discount'>{preview.usable ? `-${yuan(preview.discountFen)}` : '—'}</Text>
          </View>
          {preview.usable && (
            <View className='link-row'>
              <Text className='link-row__label'>顾客应付</Text>
              <Text className='price'>{yuan(Math.max(0, (parseAmount(amountText) ?? 0) - preview.discountFen))}</Text>
            </View>
          )}
          {!preview.usable && <Text className='redeem-page__error'>{reasonText(preview.reason)}</Text>}

          {state.phase === 'done' ? (
            <View className='redeem-page__result'>
              <Text className='redeem-page__result-title'>核销成功</Text>
              <Text className='redeem-page__result-text'>已优惠 {yuan(state.redemption.discountFen)}，请按应付金额收款</Text>
              <Button className='btn btn--primary btn--block' onClick={next}>
                <Text>继续核销</Text>
              </Button>
            </View>
          ) : (
            <View className='redeem-page__actions'>
              {error && <Text className={`redeem-page__error ${error.rateLimited ? 'redeem-page__error--locked' : ''}`}>{error.message}</Text>}
              {preview.usable && (
                <Button
                  className={`btn btn--primary btn--block ${state.phase === 'confirming' ? 'btn--disabled' : ''}`}
                  disabled={state.phase === 'confirming'}
                  loading={state.phase === 'confirming'}
                  onClick={() => void flow.confirm()}
                >
                  <Text>{state.phase === 'confirming' ? '核销中…' : error ? '重试核销' : '确认核销'}</Text>
                </Button>
              )}
              <Button className='btn btn--ghost btn--block redeem-page__back' disabled={state.phase === 'confirming'} onClick={next}>
                <Text>{preview.usable ? '取消' : '换一张券'}</Text>
              </Button>
            </View>
          )}
        </View>
      )}

      <RecentRedemptions version={recentVersion} onReversed={() => void Taro.showToast({ title: '已撤销核销', icon: 'success' })} />
    </View>
  );
}
