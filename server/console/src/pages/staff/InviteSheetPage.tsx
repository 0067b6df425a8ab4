import { PrinterOutlined } from '@ant-design/icons';
import { PageContainer } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { inviteSheet } from '../../api/staff';
import { BRAND_NAME } from '../../app/brand';
import { useStaff } from '../../app/session';
import { StoreSelect } from '../stores/StoreSelect';
import { STAFF_ROLE } from './format';

/**
 * Print rules: only the sheet is printed (the console's frame is hidden by visibility, whatever its class names), one
 * store per page, the codes large and monospaced so they can be typed from paper.
 */
const PRINT_CSS = `
.invite-sheet .invite-store { border: 1px solid #f0f0f0; border-radius: 8px; padding: 16px 20px; margin-bottom: 16px; background: #fff; }
.invite-sheet table { width: 100%; border-collapse: collapse; }
.invite-sheet th, .invite-sheet td { border-bottom: 1px solid #f0f0f0; padding: 8px; text-align: left; }
.invite-sheet .invite-code { font-family: 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 18px; letter-spacing: 2px; }
@media print {
  body * { visibility: hidden; }
  .invite-sheet, .invite-sheet * { visibility: visible; }
  .invite-sheet { position: absolute; left: 0; top: 0; width: 100%; }
  .invite-sheet .invite-store { border: none; break-after: page; page-break-after: always; }
  .invite-sheet .invite-store:last-child { break-after: auto; page-break-after: auto; }
}
@page { size: A4; margin: 16mm; }
`;

/** 邀请码打印: unbound clerks and managers with their one-time invite codes, one printed page per store. */
export default function InviteSheetPage() {
  const isManager = useStaff()?.role === 'store_manager';
  const [storeId, setStoreId] = useState<number | undefined>();
  const sheet = useQuery({ queryKey: ['staff', 'invites', storeId ?? null], queryFn: () => inviteSheet(storeId) });
  const stores = sheet.data?.stores ?? [];

  return (
    <PageContainer
      title="邀请码打印"
      content="尚未绑定微信的导购和店长的邀请码，按门店分页打印，发给本人在小程序导购端输入完成绑定。邀请码只能使用一次，绑定后自动失效。"
      extra={[
        !isManager && <StoreSelect key="store" value={storeId} onChange={setStoreId} placeholder="全部门店" testId="invites-store-select" />,
        <Button key="print" type="primary" icon={<PrinterOutlined />} disabled={stores.length === 0} data-testid="invites-print" onClick={() => window.print()}>
          打印
        </Button>,
      ]}
    >
      <style>{PRINT_CSS}</style>
      {sheet.isLoading && <Spin />}
      {sheet.error && <Alert type="error" showIcon message={(sheet.error as Error).message} />}
      {sheet.data?.truncated && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={`待绑定的员工较多，仅显示前 ${sheet.data.total} 位：请按门店筛选后分别打印`} />}
      {sheet.data && stores.length === 0 && <Empty description="没有待绑定的员工" />}
      {stores.length > 0 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {stores.length} 家门店，{sheet.data!.total} 位待绑定员工
          </Typography.Text>
          <div className="invite-sheet" data-testid="invite-sheet">
            {stores.map((s) => (
              <section key={s.storeId} className="invite-store" data-testid={`invite-store-${s.storeId}`}>
                <Typography.Title level={4} style={{ marginTop: 0 }}>
                  {s.storeName.startsWith(BRAND_NAME) ? s.storeName : `${BRAND_NAME} · ${s.storeName}`}（{s.storeCode}）
                </Typography.Title>
                <Typography.Paragraph type="secondary">微信打开小程序，点首页底部的“导购入口”，输入下方邀请码完成绑定（每个邀请码只能用一次）。</Typography.Paragraph>
                <table>
                  <thead>
                    <tr>
                      <th style={{ width: '30%' }}>姓名</th>
                      <th style={{ width: '20%' }}>角色</th>
                      <th>邀请码</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.staff.map((m) => (
                      <tr key={m.id}>
                        <td>{m.name}</td>
                        <td>{STAFF_ROLE[m.role].text}</td>
                        <td className="invite-code">{m.inviteCode}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            ))}
          </div>
        </Space>
      )}
    </PageContainer>
  );
}
