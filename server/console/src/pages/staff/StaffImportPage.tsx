import { DownloadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space, Table, Typography } from 'antd';
import { IMPORT_TEMPLATES, STAFF_IMPORT_COLUMNS, toCsv, type StaffImportLogin, type StaffImportReport } from '@o2o/shared';
import { importStaff } from '../../api/staff';
import { CsvImport, downloadText } from '../../components/CsvImport';

/** The store managers' one-time initial passwords of an apply: shown once, downloadable, never shown again. */
export function ImportLogins({ logins }: { logins: StaffImportLogin[] }) {
  if (logins.length === 0) return null;
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }} data-testid="staff-import-logins">
      <Alert
        type="warning"
        showIcon
        message={`已为 ${logins.length} 位店长开通后台登录`}
        description="初始密码只显示这一次（系统只保存其摘要），请现在下载或复制，分别交给本人；忘记后可在员工列表中重置。"
      />
      <Button
        icon={<DownloadOutlined />}
        onClick={() => downloadText('店长初始密码.csv', toCsv([['门店编码', '姓名', '用户名', '初始密码'], ...logins.map((l) => [l.storeCode, l.name, l.username, l.initialPassword])]))}
      >
        下载初始密码
      </Button>
      <Table<StaffImportLogin>
        size="small"
        rowKey="line"
        dataSource={logins}
        pagination={logins.length > 10 ? { pageSize: 10 } : false}
        columns={[
          { title: '行号', dataIndex: 'line', width: 70 },
          { title: '门店编码', dataIndex: 'storeCode' },
          { title: '姓名', dataIndex: 'name' },
          { title: '用户名', dataIndex: 'username', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: '初始密码', dataIndex: 'initialPassword', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
        ]}
      />
    </Space>
  );
}

/** 员工批量导入: clerks and store managers by store code; managers with a username get a console login. */
export default function StaffImportPage() {
  const qc = useQueryClient();
  return (
    <PageContainer
      title="员工批量导入"
      content="按门店编码导入导购和店长：填了用户名的按用户名识别，没填的按“门店 + 姓名”识别，重复导入不会重复创建。新员工自动获得导购端邀请码；填了用户名的店长同时开通后台登录。"
    >
      <ProCard>
        <CsvImport<StaffImportReport>
          columns={STAFF_IMPORT_COLUMNS}
          template={IMPORT_TEMPLATES.staff}
          run={importStaff}
          onApplied={() => qc.invalidateQueries({ queryKey: ['staff'] })}
          renderResult={(r) => <ImportLogins logins={r.logins} />}
        />
      </ProCard>
    </PageContainer>
  );
}
