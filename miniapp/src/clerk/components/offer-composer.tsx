import { useEffect, useRef, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import type { ClerkOfferResult, TCreateClerkOfferBody } from '@o2o/shared';
import { isApiError } from '../../api/api-error';
import { newIdempotencyKey } from '../../checkout/checkout';
import { listOfferTemplates, sendOffer, type OfferTemplate } from '../api/offers';
import { describeClerkError } from '../utils/clerk-error';
import './offer-composer.scss';

/** The most customers one offer may go to (the server refuses a larger filtered set). */
export const OFFER_MAX_RECIPIENTS = 2000;

const ERRORS: Record<string, string> = {
  CLERK_OFFER_CAPPED: '这些顾客近期已收到足够多的专属优惠（频次上限），请过几天再发',
  CLERK_OFFER_TEMPLATE_NOT_ALLOWED: '这张券不允许导购发放，请选择其他券',
  VALIDATION_FAILED: `筛选出的顾客超过 ${OFFER_MAX_RECIPIENTS} 位，请缩小范围后再发`,
  NOT_FOUND: '部分顾客已不在您的名下，请刷新后重试',
};

/** What happened, in words: how many get it and who was left out and why. */
export function offerOutcome(r: ClerkOfferResult): string {
  const parts = [`已发送给 ${r.recipients} 位顾客`];
  if (r.excluded.frequency_cap) parts.push(`${r.excluded.frequency_cap} 位近期已收到过专属优惠（频次上限）未发送`);
  if (r.excluded.no_consent) parts.push(`${r.excluded.no_consent} 位已关闭营销消息未发送`);
  return parts.join('，');
}

/**
 * 发专属优惠 to one customer or to the filtered set: pick a coupon the brand allows, a title and a line of text,
 * send. The cap is explained before sending (at most 2000 customers; each customer receives a limited number of
 * clerk offers per period, from any clerk) and after (who was left out).
 */
export function OfferComposer({ target, audience, onClose }: { target: Pick<TCreateClerkOfferBody, 'customerIds' | 'filter'>; audience: string; onClose: () => void }) {
  const [templates, setTemplates] = useState<OfferTemplate[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [title, setTitle] = useState('您的专属导购送您一张券');
  const [body, setBody] = useState('感谢一直以来的支持，到店或下单时即可使用。');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = useRef<string | null>(null);

  useEffect(() => {
    listOfferTemplates().then(
      (items) => {
        setTemplates(items);
        if (items.length) setTemplateId(items[0].id);
      },
      (err) => setLoadError(describeClerkError(err, '可发放的券加载失败')),
    );
  }, []);

  const send = async () => {
    if (sending || templateId === null) return;
    key.current = key.current ?? newIdempotencyKey();
    setSending(true);
    setError(null);
    try {
      const res = await sendOffer({ ...target, templateId, title: title.trim(), body: body.trim() }, key.current);
      setResult(offerOutcome(res));
    } catch (err) {
      if (isApiError(err) && err.status >= 400 && err.status < 500) key.current = null; // a definite no: a new attempt may follow
      setError((isApiError(err) && ERRORS[String(err.code)]) || describeClerkError(err, '发送失败，请重试'));
    } finally {
      setSending(false);
    }
  };

  return (
    <View className='card offer-composer'>
      <View className='offer-composer__head'>
        <Text className='card__title'>发专属优惠</Text>
        <Text className='offer-composer__close' onClick={onClose}>
          关闭
        </Text>
      </View>
      <Text className='offer-composer__audience'>发送对象：{audience}</Text>
      {result ? (
        <View>
          <Text className='offer-composer__result'>{result}</Text>
          <Button className='btn btn--ghost btn--block' onClick={onClose}>
            <Text>完成</Text>
          </Button>
        </View>
      ) : (
        <View>
          {loadError && <Text className='offer-composer__error'>{loadError}</Text>}
          {templates && templates.length === 0 && <Text className='offer-composer__error'>品牌暂未开放导购可发的券</Text>}
          {templates?.map((t) => (
            <Text key={t.id} className={`chip ${t.id === templateId ? '' : 'chip--muted'} offer-composer__template`} onClick={() => setTemplateId(t.id)}>
              {t.title}
            </Text>
          ))}
          <Input className='phone-bind__input offer-composer__input' maxlength={40} placeholder='消息标题' value={title} onInput={(e) => setTitle(e.detail.value)} />
          <Input className='phone-bind__input offer-composer__input' maxlength={500} placeholder='想对顾客说的话' value={body} onInput={(e) => setBody(e.detail.value)} />
          <Text className='offer-composer__cap'>
            一次最多发给 {OFFER_MAX_RECIPIENTS} 位顾客；每位顾客在一段时间内收到的导购优惠有上限，已达上限或关闭营销消息的顾客会自动跳过。
          </Text>
          <Button className={`btn btn--primary btn--block ${sending || templateId === null ? 'btn--disabled' : ''}`} disabled={sending || templateId === null || !title.trim() || !body.trim()} loading={sending} onClick={() => void send()}>
            <Text>{sending ? '发送中…' : '发送'}</Text>
          </Button>
          {error && <Text className='offer-composer__error'>{error}</Text>}
        </View>
      )}
    </View>
  );
}
