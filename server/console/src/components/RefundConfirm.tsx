import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Form, Input, InputNumber, Modal, Space, Spin, Tag, Typography } from 'antd';
import { formatFen, parseYuan, ZCreateRefundBody, type RefundPreviewView, type RefundView } from '@o2o/shared';
import { useEffect, useRef, useState } from 'react';
import { previewRefund, requestRefund } from '../api/orders';
import { ApiError } from '../api/request';
import { zodRule } from './zod-rules';

/** The order a refund is confirmed for (from the list row or the detail). */
export interface RefundTarget {
  id: number;
  outTradeNo: string;
  payableFen: number;
  /** payable − refunded − pending: the most a new refund may take. */
  refundableFen: number;
}

const yuan = (fen: number) => `¥${formatFen(fen)}`;

/** A client request number per confirmation: a retried or double-clicked confirm refunds once (server key). */
export function newRequestNo(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return `con-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** "12.30" → 1230; null when it is not a positive amount with at most two decimals. */
export function fenOf(text: unknown): number | null {
  if (text === null || text === undefined || text === '') return null;
  try {
    const fen = parseYuan(String(text));
    return fen > 0 ? fen : null;
  } catch {
    return null;
  }
}

/** Debounced: the preview is asked for once the operator stops typing. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * The effects box: what the refund will do to the customer's points and coupon, as settlement will compute it. The
 * words are the order detail's and the points ledger's (pages/orders/format.ts WORDS): 退款返还 gives back part of
 * the 使用积分 (会员价积分 and 积分抵现 alike), 退款扣回 takes back part of the 奖励积分, both in proportion.
 */
export function RefundEffects({ preview }: { preview: RefundPreviewView }) {
  const p = preview;
  const coupon = !p.coupon
    ? '未使用优惠券'
    : p.coupon.released
      ? `「${p.coupon.title}」退回顾客${p.coupon.returnsAs === 'expired' ? '（已过有效期，退回后为已过期）' : '，可再次使用'}`
      : `「${p.coupon.title}」不退回（仅全额退款时退回）`;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={1} bordered styles={{ label: { width: 104, whiteSpace: 'nowrap' } }}>
        <Descriptions.Item label="退款金额">
          {yuan(p.amountFen)} {p.full ? <Tag color="red">全额退款</Tag> : <Tag color="orange">部分退款</Tag>}
          <Typography.Text type="secondary">
            （实付 {yuan(p.payableFen)}，已退 {yuan(p.refundedFen)}）
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="退款返还">
          <span data-testid="refund-points-returned">{p.pointsReturned > 0 ? `+${p.pointsReturned} 积分` : '无'}</span>
          {p.pointsReturned > 0 && <Typography.Text type="secondary">（订单使用积分按比例返还）</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label="退款扣回">
          <span data-testid="refund-points-reversed">{p.pointsToReverse > 0 ? `−${p.pointsReversed} 积分` : '无'}</span>
          {p.pointsUnrecovered > 0 ? (
            <Typography.Text type="secondary">（应扣 {p.pointsToReverse} 积分）</Typography.Text>
          ) : (
            p.pointsToReverse > 0 && <Typography.Text type="secondary">（订单奖励积分按比例扣回）</Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="顾客积分">
          <span data-testid="refund-balance">
            {p.balance} → {p.balanceAfter} 积分
          </span>
        </Descriptions.Item>
        <Descriptions.Item label="优惠券">
          <span data-testid="refund-coupon">{coupon}</span>
        </Descriptions.Item>
      </Descriptions>
      {p.pointsUnrecovered > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="refund-shortfall"
          message={`顾客积分余额不足：奖励积分有 ${p.pointsUnrecovered} 积分无法追回`}
          description="退款照常进行，余额扣至 0 为止；差额记录在退款上并生成告警。"
        />
      )}
      {p.otherRefundsPending && <Alert type="info" showIcon message="该订单另有退款处理中：积分按到账先后计算，可能相差 1 积分。" />}
      <Typography.Text type="secondary">以上按顾客当前积分预计，以微信支付退款成功时为准。</Typography.Text>
    </Space>
  );
}

/**
 * The refund confirmation (a modal): the amount (at most what is refundable), a reason, and the effects of that
 * amount, refreshed as it changes, from the server's preview (the same computation settlement runs). Confirming
 * sends the refund with a request number fixed for this confirmation, so a retry cannot refund twice.
 */
export function RefundConfirm({ order, open, onClose, onDone }: { order: RefundTarget | null; open: boolean; onClose: () => void; onDone?: (refund: RefundView) => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ amount: string; reason: string }>();
  const requestNo = useRef(newRequestNo());
  const amountText = Form.useWatch('amount', form);
  const amountFen = useDebounced(fenOf(amountText), 250);
  const refundable = order?.refundableFen ?? 0;
  const amountOk = amountFen !== null && amountFen <= refundable;

  // Each opening is a new confirmation: a fresh request number, the whole refundable amount proposed.
  const orderId = order?.id;
  useEffect(() => {
    if (!open || orderId === undefined) return;
    requestNo.current = newRequestNo();
    form.setFieldsValue({ amount: formatFen(refundable), reason: '' });
  }, [open, orderId, refundable, form]);

  const preview = useQuery({
    queryKey: ['refund-preview', order?.id, amountFen],
    queryFn: ({ signal }) => previewRefund(order!.id, amountFen!, signal),
    enabled: open && !!order && amountOk,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 0,
  });

  const refund = useMutation({
    mutationFn: (v: { amountFen: number; reason: string }) => requestRefund(order!.id, { amountFen: v.amountFen, reason: v.reason, requestNo: requestNo.current }),
    onSuccess: (r) => {
      message.success(`退款 ${yuan(r.amountFen)} 已提交，微信支付处理后原路退回`);
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      void queryClient.invalidateQueries({ queryKey: ['order', order?.id] });
      onDone?.(r);
      onClose();
    },
    onError: (e) => {
      message.error(e.message);
      if (e instanceof ApiError && e.code === 'REFUND_EXCEEDS_PAID') void queryClient.invalidateQueries({ queryKey: ['order', order?.id] });
    },
  });

  const confirm = async () => {
    const v = await form.validateFields().catch(() => null); // the form shows what is missing
    const fen = v ? fenOf(v.amount) : null;
    if (!v || fen === null) return;
    refund.mutate({ amountFen: fen, reason: v.reason.trim() });
  };

  // A preview of another amount (the one before the last keystroke) stays on screen dimmed, never confirmable.
  const shown = amountOk ? (preview.data ?? null) : null;
  const stale = !!shown && shown.amountFen !== fenOf(amountText);

  return (
    <Modal
      open={open}
      title={order ? `退款 · 订单 ${order.outTradeNo}` : '退款'}
      onCancel={onClose}
      destroyOnHidden
      maskClosable={false}
      width={560}
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="ok" type="primary" danger data-testid="refund-confirm" loading={refund.isPending} disabled={!shown || stale || preview.isFetching} onClick={() => void confirm()}>
          确认退款
        </Button>,
      ]}
    >
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          label={`退款金额（最多 ${yuan(refundable)}）`}
          name="amount"
          rules={[
            {
              validator: async (_r, v) => {
                const fen = fenOf(v);
                if (fen === null) throw new Error('请输入大于 0 的金额，最多两位小数');
                if (fen > refundable) throw new Error(`最多可退 ${yuan(refundable)}`);
              },
            },
          ]}
        >
          <InputNumber<string> data-testid="refund-amount" stringMode precision={2} min="0.01" max={formatFen(refundable)} prefix="¥" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label="退款原因" name="reason" rules={zodRule(ZCreateRefundBody, 'reason', '请填写退款原因（80 字以内）')}>
          <Input data-testid="refund-reason" maxLength={80} placeholder="如：顾客退货、商品缺货" />
        </Form.Item>
      </Form>
      <div data-testid="refund-preview" style={{ minHeight: 120 }}>
        {!amountOk ? (
          <Typography.Text type="secondary">输入退款金额后显示对积分和优惠券的影响</Typography.Text>
        ) : preview.isError ? (
          <Alert type="error" showIcon message={(preview.error as Error).message} />
        ) : shown ? (
          <Spin spinning={stale || preview.isFetching}>
            <RefundEffects preview={shown} />
          </Spin>
        ) : (
          <Spin tip="计算退款影响…">
            <div style={{ height: 120 }} />
          </Spin>
        )}
      </div>
    </Modal>
  );
}
