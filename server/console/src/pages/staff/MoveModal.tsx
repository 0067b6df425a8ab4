import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Form, Modal, Radio, Select, Space, Typography } from 'antd';
import type { StaffListItem, TMoveStaffBody } from '@o2o/shared';
import { useState } from 'react';
import { listStaff, moveStaff } from '../../api/staff';
import { StoreSelect } from '../stores/StoreSelect';

type CustomersChoice = 'manager' | 'colleague' | 'keep';

/**
 * 调店: moves a clerk (or a manager) to another store. Their customers shop at the old store, so by default they stay
 * there with its manager; the admin may pick a colleague of the old store instead, or let the clerk keep them.
 */
export function MoveModal({ staff, onClose, onDone }: { staff: StaffListItem | null; onClose: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  const [storeId, setStoreId] = useState<number | undefined>();
  const [choice, setChoice] = useState<CustomersChoice>('manager');
  const [colleagueId, setColleagueId] = useState<number | undefined>();
  const colleagues = useQuery({
    queryKey: ['staff', 'colleagues', staff?.storeId],
    queryFn: () => listStaff({ storeId: staff!.storeId!, status: 'active', current: 1, pageSize: 100 }),
    enabled: !!staff?.storeId,
  });
  const others = (colleagues.data?.items ?? []).filter((s) => s.id !== staff?.id && (s.role === 'clerk' || s.role === 'store_manager'));
  const manager = others.find((s) => s.role === 'store_manager');

  const move = useMutation({
    mutationFn: () => {
      const body: TMoveStaffBody = { storeId: storeId! };
      if (choice === 'keep') body.keepCustomers = true;
      if (choice === 'colleague') body.handoverToStaffId = colleagueId;
      return moveStaff(staff!.id, body);
    },
    onSuccess: (res) => {
      message.success(`${res.staff.name} 已调店${res.handover ? `，${res.handover.moved} 位顾客留在原门店` : ''}`);
      onDone();
      onClose();
    },
    onError: (e) => message.error(e.message),
  });

  if (!staff) return null;
  const owned = staff.customerCount;
  const blocked =
    !storeId || storeId === staff.storeId || (owned > 0 && ((choice === 'manager' && !manager) || (choice === 'colleague' && colleagueId === undefined)));

  return (
    <Modal
      open
      title={`调店：${staff.name}（现属 ${staff.storeName ?? '—'}）`}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="ok" type="primary" data-testid="move-confirm" disabled={blocked} loading={move.isPending} onClick={() => move.mutate()}>
          确认调店
        </Button>,
      ]}
    >
      <Form layout="vertical">
        <Form.Item label="调入门店" required>
          <StoreSelect value={storeId} onChange={setStoreId} placeholder="搜索门店编码或名称" onlyActive testId="move-store-select" />
        </Form.Item>
        <Form.Item label={`名下 ${owned} 位专属顾客`}>
          <Radio.Group value={choice} onChange={(e) => setChoice(e.target.value)}>
            <Space direction="vertical">
              <Radio value="manager">留在原门店，交给店长{manager ? `（${manager.name}）` : '（原门店暂无店长）'}</Radio>
              <Radio value="colleague">留在原门店，交给指定同事</Radio>
              <Radio value="keep">随员工带走（顾客仍由该员工服务）</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        {choice === 'colleague' && (
          <Form.Item label="接收顾客的同事">
            <Select<number>
              value={colleagueId}
              onChange={setColleagueId}
              placeholder="选择原门店的导购或店长"
              options={others.map((s) => ({ value: s.id, label: `${s.name}（现有 ${s.customerCount} 位顾客）` }))}
            />
          </Form.Item>
        )}
      </Form>
      <Typography.Paragraph type="secondary">调店后该员工需重新登录导购端；原导购码仍可作为原门店的门店码使用，新门店的导购码在导购端自动生成。</Typography.Paragraph>
      {owned > 0 && choice === 'manager' && !manager && <Alert type="error" showIcon message="原门店没有在职店长：请选择指定同事，或让员工带走顾客" />}
    </Modal>
  );
}
