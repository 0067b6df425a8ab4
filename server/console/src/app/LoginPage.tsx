import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { StaffLoginForm } from './LoginForm';
import { useSession } from './session';

/** /console/login: the brand's sign-in screen; `next` returns the user to the page they were sent away from. */
export function LoginPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  if (session) return <Navigate to={target} replace />;
  return (
    <div className="console-login">
      <StaffLoginForm onDone={() => navigate(target, { replace: true })} note={params.get('expired') ? '登录已过期，请重新登录' : undefined} />
      <div className="console-login-foot">管理员 · 营销 · 店长 使用分配的账号登录；导购请使用小程序工作台</div>
    </div>
  );
}
