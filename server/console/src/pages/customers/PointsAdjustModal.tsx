import { ModalForm, ProFormDigit, ProFormTextArea } from '@ant-design/pro-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, type ButtonProps, Descriptions, Form, Typography } from 'antd';
import { POINTS_ADJUSTMENT_MAX, ZPointsAdjustmentBody, type PointsAdjustmentView } from '@o2o/shared';
import { useState } from 'react';
import { adjustPoints } from '../../api/customers';
import { zodRule } from '../../components/zod-rules';

/** A request number per opening of the form: a retried submission (a timeout, a re-login) posts the same one. */
export function newRequestNo(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `adj-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

interface Props {
  customerId: number;
  /** The balance shown when the form opened (the server decides with its own, under a lock). */
  balance: number;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone?: (a: PointsAdjustmentView) => void;
}

/**
 * 调整积分 (admins only; the server refuses anyone else): a non-zero whole number within ±100,000 and a reason,
 * showing the balance after. The request number is fixed while the form is open, so submitting twice changes the
 * balance once; a refusal (below zero, not a member) is shown and the form stays open.
 */
export function PointsAdjustModal({ customerId, balance, open, onOpenChange, onDone }: Props) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ delta?: number; reason?: string }>();
  const [requestNo, setRequestNo] = useState(newRequestNo);
  const delta = Form.useWatch('delta', form);
  const after = typeof delta === 'number' && Number.isInteger(delta) ? balance + delta : null;
  const mutation = useMutation({
    mutationFn: (v: { delta: number; reason: string }) => adjustPoints(customerId, { delta: v.delta, reason: v.reason.trim(), requestNo }),
    onSuccess: (a) => {
      message.success(`积分已调整 ${a.delta > 0 ? '+' : ''}${a.delta}，当前 ${a.balanceAfter}`);
      void queryClient.invalidateQueries({ queryKey: ['customer', customerId] });
      onDone?.(a);
    },
  });

  return (
    <ModalForm<{ delta?: number; reason?: string }>
      title="调整积分"
      form={form}
      open={open}
      width={480}
      modalProps={{ destroyOnHidden: true, maskClosable: false }}
      onOpenChange={(o) => {
        if (o) setRequestNo(newRequestNo());
        onOpenChange(o);
      }}
      submitter={{ searchConfig: { submitText: '确认调整' }, submitButtonProps: { 'data-testid': 'points-adjust-submit' } as ButtonProps }}
      onFinish={async (v) => {
        try {
          await mutation.mutateAsync({ delta: v.delta!, reason: v.reason ?? '' });
          return true;
        } catch (e) {
          message.error((e as Error).message);
          return false;
        }
      }}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message="调整会记入积分明细和操作日志，顾客可在小程序中看到积分变化。" />
      <ProFormDigit
        name="delta"
        label="调整积分"
        placeholder="正数为增加，负数为扣减"
        min={-POINTS_ADJUSTMENT_MAX}
        max={POINTS_ADJUSTMENT_MAX}
        fieldProps={{ precision: 0, 'data-testid': 'points-adjust-delta' } as object}
        rules={[
          ...zodRule(ZPointsAdjustmentBody, 'delta', `请输入 ±${POINTS_ADJUSTMENT_MAX.toLocaleString('zh-CN')} 以内的非零整数`),
          { validator: async (_r: unknown, v: unknown) => (typeof v === 'number' && balance + v < 0 ? Promise.reject(new Error(`扣减后积分不能为负（当前 ${balance}）`)) : undefined) },
        ]}
      />
      <ProFormTextArea
        name="reason"
        label="调整原因"
        placeholder="2–200 字，例如：门店活动补偿"
        fieldProps={{ maxLength: 200, showCount: true, 'data-testid': 'points-adjust-reason' } as object}
        rules={zodRule(ZPointsAdjustmentBody, 'reason', '请填写 2–200 字的调整原因')}
      />
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label="当前积分">{balance}</Descriptions.Item>
        <Descriptions.Item label="调整后">
          <Typography.Text data-testid="points-adjust-after" type={after !== null && after < 0 ? 'danger' : undefined} strong>
            {after === null ? '—' : after}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </ModalForm>
  );
}
