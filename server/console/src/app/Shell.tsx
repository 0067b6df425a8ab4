import { BellOutlined, LogoutOutlined } from '@ant-design/icons';
import { ProLayout } from '@ant-design/pro-components';
import { useQuery } from '@tanstack/react-query';
import { Badge, Dropdown, Result, Spin, Tooltip } from 'antd';
import { Component, Suspense, useRef, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { alertCount } from '../api/console';
import { AREAS } from '../pages';
import { BRAND, menuFor, ROLE_LABEL, selectedMenuPath } from './areas';
import { BRAND_NAME } from './brand';
import { ReauthDialog } from './ReauthDialog';
import { signOut, useSession, useStaff } from './session';

/** A page that throws shows an error with a way back, not a white screen. */
class PageErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  render() {
    if (this.state.error) return <Result status="error" title="页面出错了" subTitle={this.state.error.message} />;
    return this.props.children;
  }
}

function AlertBell() {
  const navigate = useNavigate();
  const { data } = useQuery({ queryKey: ['alerts', 'count'], queryFn: () => alertCount(), refetchInterval: 60_000, retry: false });
  const open = data?.open ?? 0;
  return (
    <Tooltip title={open ? `${open} 条待处理告警` : '暂无待处理告警'}>
      <Badge count={open} size="small" offset={[-2, 2]}>
        <BellOutlined data-testid="alert-bell" style={{ fontSize: 18, cursor: 'pointer' }} onClick={() => navigate('/alerts')} />
      </Badge>
    </Tooltip>
  );
}

/** The frame every page lives in: menu by role, header with alerts and the user, re-login over the page. */
export function Shell() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const lastUsername = useRef<string | undefined>(undefined);
  // While the re-login dialog is up the session is cleared: keep the last staff member so the page underneath
  // (menu, toolbar, columns by role) stays exactly as the user left it.
  const known = useStaff();
  if (session) lastUsername.current = session.staff.username ?? undefined;
  // A lapsed session while a re-login dialog is up keeps the page; only a fresh visit goes to /login.
  if (!session && !lastUsername.current) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const staff = known ?? undefined;
  const role = staff?.role ?? 'store_manager';
  const menu = menuFor(AREAS, role);
  const selected = selectedMenuPath(menu, location.pathname);

  return (
    <>
      <ProLayout
        title={BRAND_NAME}
        logo={<div className="console-logo small">食</div>}
        layout="mix"
        fixSiderbar
        splitMenus={false}
        location={{ pathname: location.pathname }}
        route={{ path: '/', routes: menu }}
        selectedKeys={selected ? [selected] : []}
        menuItemRender={(item, dom) => (item.path ? <Link to={item.path}>{dom}</Link> : dom)}
        onMenuHeaderClick={() => navigate('/')}
        token={{ header: { colorBgHeader: '#fff' } }}
        actionsRender={() => (BRAND.includes(role) || role === 'admin' ? [<AlertBell key="bell" />] : [])}
        avatarProps={{
          title: (
            <span data-testid="current-user">
              {staff?.name ?? lastUsername.current} · {ROLE_LABEL[role]}
            </span>
          ),
          size: 'small',
          render: (_p, dom) => (
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: '退出登录' }],
                onClick: () => {
                  lastUsername.current = undefined;
                  signOut();
                  navigate('/login', { replace: true });
                },
              }}
            >
              {dom}
            </Dropdown>
          ),
        }}
      >
        <PageErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: '120px auto' }} />}>
            <Outlet />
          </Suspense>
        </PageErrorBoundary>
      </ProLayout>
      <ReauthDialog lastUsername={lastUsername.current} />
    </>
  );
}
