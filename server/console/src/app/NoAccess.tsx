import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

/** A page the signed-in role may not open: said plainly, never a blank screen. */
export function NoAccess({ home = '/' }: { home?: string }) {
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title="无权访问"
      subTitle="你的角色不能查看此页面。如需权限，请联系品牌管理员。"
      extra={<Button type="primary" onClick={() => navigate(home)}>返回首页</Button>}
    />
  );
}

export function NotFound({ home = '/' }: { home?: string }) {
  const navigate = useNavigate();
  return <Result status="404" title="页面不存在" subTitle="链接可能有误，或页面已移动。" extra={<Button type="primary" onClick={() => navigate(home)}>返回首页</Button>} />;
}
