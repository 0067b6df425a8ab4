import { useCallback, useEffect, useState } from 'react';
import { Button, Text, View } from '@tarojs/components';
import { usePullDownRefresh, useRouter } from '@tarojs/taro';
import type { CustomerTagView, StaffCustomerView, TagGroup } from '@o2o/shared';
import { ErrorState, LoadingState } from '../../../components/state-view';
import { dateTime, timeAgo } from '../../../utils/format';
import { PAGES, pullToRefresh, replacePage } from '../../../utils/nav';
import { getCustomer } from '../../api/clerk';
import { OfferComposer } from '../../components/offer-composer';
import { useStaffGuard } from '../../hooks/use-staff-guard';
import { describeClerkError } from '../../utils/clerk-error';
import './index.scss';

const GROUPS: { group: TagGroup; label: string }[] = [
  { group: 'category', label: '品类偏好' },
  { group: 'channel', label: '来源渠道' },
  { group: 'lifecycle', label: '生命周期' },
  { group: 'custom', label: '自定义' },
];

const SOURCES: Record<string, string> = { qr: '扫码', manual: '手动', rule: '规则', purchase: '消费' };

function parseId(raw: unknown): number | null {
  const n = typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** 顾客卡片: masked phone, membership, points, visits and tags of one of the clerk's customers. */
export default function ClerkCustomerPage() {
  const { params } = useRouter();
  const id = parseId(params.id);
  const session = useStaffGuard(id ? `${PAGES.clerkCustomer}?id=${id}` : PAGES.clerkHome);
  if (!session) {
    return (
      <View className='page'>
        <LoadingState text='正在验证导购身份…' />
      </View>
    );
  }
  if (id === null) {
    return (
      <View className='page'>
        <ErrorState message='顾客信息有误，请返回列表重试' actionText='返回工作台' onRetry={() => replacePage(PAGES.clerkHome)} />
      </View>
    );
  }
  return <CustomerCard id={id} canOffer={session.staff.role === 'clerk'} />;
}

type CardState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; customer: StaffCustomerView };

function CustomerCard({ id, canOffer }: { id: number; canOffer: boolean }) {
  const [state, setState] = useState<CardState>({ status: 'loading' });
  const [composing, setComposing] = useState(false);

  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', customer: await getCustomer(id) });
      return true;
    } catch (err) {
      setState((s) => (s.status === 'ready' ? s : { status: 'error', message: describeClerkError(err, '加载失败，请重试') }));
      return false;
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);
  usePullDownRefresh(() => pullToRefresh(load));

  if (state.status === 'loading') {
    return (
      <View className='page'>
        <LoadingState />
      </View>
    );
  }
  if (state.status === 'error') {
    return (
      <View className='page'>
        <ErrorState message={state.message} onRetry={() => void load()} />
      </View>
    );
  }

  const c = state.customer;
  const byGroup = (group: TagGroup): CustomerTagView[] => c.tags.filter((t) => t.group === group);
  return (
    <View className='page customer-card'>
      <View className={`customer-card__hero ${c.isMember ? 'customer-card__hero--member' : ''}`}>
        <View className='customer-card__head'>
          <Text className='customer-card__phone'>{c.phoneMasked ?? '未绑定手机号'}</Text>
          <Text className='customer-card__status'>{c.isMember ? (c.level > 0 ? `会员 · V${c.level}` : '会员') : '粉丝'}</Text>
        </View>
        <Text className='customer-card__label'>积分余额</Text>
        <Text className='customer-card__points'>{c.pointsBalance}</Text>
      </View>

      {canOffer && !composing && (
        <Button className='btn btn--gold btn--block customer-card__offer' onClick={() => setComposing(true)}>
          <Text>发专属优惠</Text>
        </Button>
      )}
      {composing && <OfferComposer target={{ customerIds: [c.id] }} audience={c.phoneMasked ?? '该顾客'} onClose={() => setComposing(false)} />}

      <View className='card'>
        <Text className='card__title'>到店与入会</Text>
        <View className='link-row'>
          <Text className='link-row__label'>最近到店</Text>
          <Text className='link-row__value'>{c.lastVisitAt ? `${timeAgo(c.lastVisitAt)}（${dateTime(c.lastVisitAt)}）` : '暂无'}</Text>
        </View>
        <View className='link-row'>
          <Text className='link-row__label'>首次扫码</Text>
          <Text className='link-row__value'>{dateTime(c.firstScanAt) || '暂无'}</Text>
        </View>
        <View className='link-row'>
          <Text className='link-row__label'>入会时间</Text>
          <Text className='link-row__value'>{c.memberSince ? dateTime(c.memberSince) : '尚未入会'}</Text>
        </View>
      </View>

      <View className='card'>
        <Text className='card__title'>顾客标签</Text>
        {c.tags.length === 0 ? (
          <Text className='card__text'>暂无标签</Text>
        ) : (
          GROUPS.filter((g) => byGroup(g.group).length > 0).map((g) => (
            <View key={g.group} className='customer-card__tag-group'>
              <Text className='customer-card__tag-label'>{g.label}</Text>
              <View>
                {byGroup(g.group).map((t) => (
                  <Text key={t.id} className={`chip ${g.group === 'category' ? '' : 'chip--muted'}`}>
                    {t.name}
                    {SOURCES[t.source] ? ` · ${SOURCES[t.source]}` : ''}
                  </Text>
                ))}
              </View>
            </View>
          ))
        )}
      </View>
    </View>
  );
}
