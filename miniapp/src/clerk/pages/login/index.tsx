import { useEffect, useState } from 'react';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { isApiError } from '../../../api/api-error';
import { LoadingState } from '../../../components/state-view';
import { getLoginCode } from '../../../platform/login';
import { PAGES } from '../../../utils/nav';
import { bindClerk } from '../../api/clerk-auth';
import { safeClerkRedirect } from '../../hooks/use-staff-guard';
import { scanCode } from '../../platform/scan';
import { loginClerk } from '../../services/staff-auth';
import { staffSession } from '../../stores/staff-session';
import { describeClerkError } from '../../utils/clerk-error';
import { isInviteCode, parseInviteCode } from '../../utils/invite';
import './index.scss';

type Phase = { kind: 'checking' } | { kind: 'bind'; notice: string | null };

/**
 * 导购登录. A bound clerk is logged in silently (`POST /api/clerk/session`); a first-time clerk binds this
 * WeChat with the one-time invite code from the store manager (`POST /api/clerk/bind`), typed or scanned.
 */
export default function ClerkLoginPage() {
  const { params } = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const [invite, setInvite] = useState(() => parseInviteCode(params.invite) ?? '');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const done = () => {
    void Taro.redirectTo({ url: safeClerkRedirect(params.redirect) ?? PAGES.clerkHome });
  };

  useEffect(() => {
    let cancelled = false;
    if (staffSession.getValid()) {
      done();
      return undefined;
    }
    loginClerk().then(
      () => !cancelled && done(),
      (err: unknown) => {
        if (cancelled) return;
        const notBound = isApiError(err) && err.code === 'STAFF_NOT_BOUND';
        setPhase({ kind: 'bind', notice: notBound ? null : describeClerkError(err, '登录失败，请重试') });
      },
    );
    return () => {
      cancelled = true;
    };
    // Runs once per visit: the login decides between "already bound" and the bind form.
  }, []);

  const scan = async () => {
    setError(null);
    try {
      const text = await scanCode();
      if (text === null) return;
      const code = parseInviteCode(text);
      if (code) setInvite(code);
      else setError('未识别到邀请码，请手动输入');
    } catch {
      setError('扫码失败，请手动输入邀请码');
    }
  };

  const submit = async () => {
    if (submitting) return;
    const inviteCode = invite.trim();
    if (!isInviteCode(inviteCode)) {
      setError('请输入 6–32 位字母或数字的邀请码');
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const code = await getLoginCode();
      const res = await bindClerk({ code, inviteCode });
      staffSession.set({ token: res.token, expiresAt: res.expiresAt, staff: res.staff });
      void Taro.showToast({ title: '绑定成功', icon: 'success' });
      done();
    } catch (err) {
      setError(describeClerkError(err, '绑定失败，请重试'));
    } finally {
      setSubmitting(false);
    }
  };

  if (phase.kind === 'checking') {
    return (
      <View className='page'>
        <LoadingState text='正在验证导购身份…' />
      </View>
    );
  }

  return (
    <View className='page clerk-login'>
      <View className='clerk-login__hero'>
        <Text className='clerk-login__title'>导购工作台</Text>
        <Text className='clerk-login__text'>首次使用请输入店长提供的邀请码，绑定后本微信即可直接登录</Text>
      </View>
      <View className='card'>
        {phase.notice && <Text className='clerk-login__notice'>{phase.notice}</Text>}
        <Text className='clerk-login__label'>邀请码</Text>
        <View className='clerk-login__row'>
          <Input
            className='phone-bind__input clerk-login__input'
            placeholder='请输入邀请码'
            maxlength={32}
            value={invite}
            onInput={(e) => setInvite(e.detail.value)}
          />
          <Button className='btn btn--ghost btn--small clerk-login__scan' onClick={scan}>
            <Text>扫码</Text>
          </Button>
        </View>
        <Button className={`btn btn--primary btn--block ${submitting ? 'btn--disabled' : ''}`} onClick={submit} disabled={submitting}>
          <Text>{submitting ? '绑定中…' : '绑定并登录'}</Text>
        </Button>
        {error && <Text className='phone-bind__hint'>{error}</Text>}
      </View>
    </View>
  );
}
