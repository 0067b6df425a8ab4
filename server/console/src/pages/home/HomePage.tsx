import { PageContainer, ProCard } from '@ant-design/pro-components';
import { Space, Typography } from 'antd';
import { Link } from 'react-router';
import { AREAS } from '..';
import { menuFor, ROLE_LABEL } from '../../app/areas';
import { useStaff } from '../../app/session';

/**
 * What each card says it is for, by its menu path (an area's path is its first page's, e.g. /stores, whether the
 * role sees the area with sub-pages or collapsed to one page). One line each: a card is about 15 characters wide
 * at 1440 px. An area card also links its pages. (An area added later without an entry here shows no line: the
 * shell's `ConsoleArea` could carry the description instead.)
 */
const DESCRIPTION: Record<string, string> = {
  '/stores': '门店资料、城市区域，批量导入',
  '/staff': '调店、离职交接、邀请码打印',
  '/qr-codes': '扫码与成交数据，换海报，印海报',
  '/tags': '标签人数，按手机号或人群打标签',
  '/coupons/templates': '券的面额、库存、状态与预览',
  '/customers': '查顾客，看积分、订单和标签',
  '/orders': '查订单，部分或全额退款',
  '/alerts': '支付、退款、积分和事件异常',
  '/audit': '谁在后台改了什么，可搜索',
};


/** Where a signed-in user lands: who they are and the areas their role works in (the analytics issue adds the dashboard). */
export default function HomePage() {
  const staff = useStaff();
  if (!staff) return null;
  const entries = menuFor(AREAS, staff.role).filter((e) => e.path !== '/home');
  return (
    <PageContainer title={`你好，${staff.name}`} subTitle={`${ROLE_LABEL[staff.role]}${staff.role === 'store_manager' ? ' · 仅本门店数据' : ''}`}>
      <ProCard gutter={[16, 16]} wrap ghost>
        {entries.map((e) => {
          const description = DESCRIPTION[e.path];
          return (
            <ProCard key={e.path} colSpan={{ xs: 24, sm: 12, md: 8, xl: 6 }} hoverable bordered style={{ height: '100%' }}>
              <Link to={e.children?.[0]?.path ?? e.path}>
                <Typography.Title level={5} style={{ margin: 0 }}>
                  {e.icon} {e.name}
                </Typography.Title>
              </Link>
              {description && (
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 1, tooltip: description }} style={{ margin: '4px 0 0' }}>
                  {description}
                </Typography.Paragraph>
              )}
              {e.children && (
                <Space size={[12, 0]} wrap style={{ marginTop: 4, fontSize: 12 }}>
                  {e.children.map((c) => (
                    <Link key={c.path} to={c.path}>
                      {c.name}
                    </Link>
                  ))}
                </Space>
              )}
            </ProCard>
          );
        })}
      </ProCard>
    </PageContainer>
  );
}
