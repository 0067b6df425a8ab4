import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Typography } from 'antd';
import { Link } from 'react-router';
import { AREAS } from '..';
import { menuFor, ROLE_LABEL } from '../../app/areas';
import { useStaff } from '../../app/session';

/** Where a signed-in user lands: who they are and the areas their role works in (the analytics issue adds the dashboard). */
export default function HomePage() {
  const staff = useStaff();
  if (!staff) return null;
  const entries = menuFor(AREAS, staff.role).filter((e) => e.path !== '/home');
  return (
    <PageContainer title={`你好，${staff.name}`} subTitle={`${ROLE_LABEL[staff.role]}${staff.role === 'store_manager' ? ' · 仅本门店数据' : ''}`}>
      <ProCard gutter={[16, 16]} wrap ghost>
        {entries.map((e) => (
          <ProCard key={e.path} colSpan={{ xs: 24, sm: 12, md: 8, xl: 6 }} hoverable bordered>
            <Link to={e.children?.[0]?.path ?? e.path}>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {e.icon} {e.name}
              </Typography.Title>
            </Link>
            {e.children && <Typography.Text type="secondary">{e.children.map((c) => c.name).join(' · ')}</Typography.Text>}
          </ProCard>
        ))}
      </ProCard>
    </PageContainer>
  );
}
