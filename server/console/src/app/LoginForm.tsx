import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { LoginForm as ProLoginForm, ProFormText } from '@ant-design/pro-components';
import { Alert } from 'antd';
import { useState } from 'react';
import type { StaffSessionResponse } from '@o2o/shared';
import { ApiError, post } from '../api/request';
import { setSession } from './session';
import { BRAND_NAME, CONSOLE_TITLE } from './brand';

/** Username + password against POST /api/admin/session; on success the session is stored and `onDone` runs. */
export function StaffLoginForm({ onDone, username, note }: { onDone: (s: StaffSessionResponse) => void; username?: string; note?: string }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <ProLoginForm<{ username: string; password: string }>
      logo={<div className="console-logo">食</div>}
      title={BRAND_NAME}
      subTitle={CONSOLE_TITLE}
      initialValues={{ username }}
      submitter={{ searchConfig: { submitText: '登录' } }}
      onFinish={async (values) => {
        setError(null);
        try {
          const s = await post<StaffSessionResponse>('/session', values);
          setSession(s);
          onDone(s);
          return true;
        } catch (e) {
          setError(e instanceof ApiError ? e.message : '网络异常，请重试');
          return false;
        }
      }}
    >
      {note && <Alert style={{ marginBottom: 16 }} type="warning" showIcon message={note} />}
      {error && <Alert style={{ marginBottom: 16 }} type="error" showIcon message={error} />}
      <ProFormText name="username" fieldProps={{ size: 'large', prefix: <UserOutlined />, autoComplete: 'username' }} placeholder="用户名" rules={[{ required: true, message: '请输入用户名' }]} />
      <ProFormText.Password
        name="password"
        fieldProps={{ size: 'large', prefix: <LockOutlined />, autoComplete: 'current-password' }}
        placeholder="密码"
        rules={[{ required: true, message: '请输入密码' }]}
      />
    </ProLoginForm>
  );
}
