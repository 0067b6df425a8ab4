import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Modal, Select, Space, Typography } from 'antd';
import type { StaffListItem } from '@o2o/shared';
import { useEffect, useState } from 'react';
import { leaveStaff, listStaff } from '../../api/staff';
import { STAFF_ROLE } from './format';

/**
 * 离职并交接: marks the staff member left and hands their customers to a colleague of the same store in one request.
 * The receiver defaults to the store manager (as the server does when none is chosen). Shows how many customers
 * move. The request is safe to send again: a repeat finds them left and finishes the handover.
 */
export function LeaveModal({ staff, onClose, onDone }: { staff: StaffListItem | null; onClose: () => void; onDone: () => void }) {
  const { message } = App.useApp();
  const [receiverId, setReceiverId] = useState<number | undefined>();
  const storeId = staff?.storeId ?? null;
  const colleagues = useQuery({
    queryKey: ['staff', 'colleagues', storeId],
    queryFn: () => listStaff({ storeId: storeId!, status: 'active', current: 1, pageSize: 100 }),
    enabled: storeId !== null,
  });
  const receivers = (colleagues.data?.items ?? []).filter((s) => s.id !== staff?.id && (s.role === 'clerk' || s.role === 'store_manager'));
  const manager = receivers.find((s) => s.role === 'store_manager');
  useEffect(() => {
    setReceiverId(manager?.id);
  }, [staff?.id, manager?.id]);

  const leave = useMutation({
    mutationFn: () => leaveStaff(staff!.id, receiverId === undefined ? {} : { handoverToStaffId: receiverId }),
    onSuccess: (res) => {
      const to = receivers.find((s) => s.id === res.handover?.toStaffId);
      message.success(`${res.staff.name} 已离职${res.handover ? `，${res.handover.moved} 位顾客已转给 ${to?.name ?? `员工 #${res.handover.toStaffId}`}` : ''}`);
      onDone();
      onClose();
    },
    onError: (e) => message.error(e.message),
  });

  if (!staff) return null;
  const owned = staff.customerCount;
  const receiver = receivers.find((s) => s.id === receiverId);
  const needsReceiver = storeId !== null && owned > 0;
  const blocked = needsReceiver && !receiver;

  return (
    <Modal
      open
      title={`离职并交接：${staff.name}`}
      onCancel={onClose}
      footer={[
        <Button key="cancel" onClick={onClose}>
          取消
        </Button>,
        <Button key="ok" type="primary" danger data-testid="leave-confirm" disabled={blocked} loading={leave.isPending} onClick={() => leave.mutate()}>
          确认离职{needsReceiver ? '并交接' : ''}
        </Button>,
      ]}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>
          离职后该员工的登录立即失效，微信解绑，导购码不再绑定新顾客。
          {storeId === null && '该员工不属于门店，没有专属顾客。'}
        </Typography.Paragraph>
        {storeId !== null && (
          <>
            <Typography.Text>接收顾客的同事（同一门店）：</Typography.Text>
            <Select<number>
              data-testid="leave-handover-select"
              style={{ width: '100%' }}
              loading={colleagues.isLoading}
              value={receiverId}
              onChange={setReceiverId}
              placeholder={receivers.length ? '选择导购或店长' : '本店没有其他在职员工'}
              showSearch
              optionFilterProp="label"
              options={receivers.map((s) => ({ value: s.id, label: `${s.name}（${STAFF_ROLE[s.role].text}，现有 ${s.customerCount} 位顾客）` }))}
            />
            <div data-testid="leave-summary">
              {owned === 0 ? (
                <Alert type="info" showIcon message="该员工名下没有专属顾客" />
              ) : receiver ? (
                <Alert type="warning" showIcon message={`${owned} 位顾客将转给 ${receiver.name}`} description="每位顾客的导购变更都会记录，可在顾客详情中查看。" />
              ) : (
                <Alert type="error" showIcon message={`该员工名下有 ${owned} 位顾客，请选择接收的同事`} description={receivers.length ? undefined : '本店没有其他在职员工：请先添加导购或店长。'} />
              )}
            </div>
          </>
        )}
      </Space>
    </Modal>
  );
}
