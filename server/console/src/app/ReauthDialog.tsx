import { Modal } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { installReauth } from '../api/request';
import { StaffLoginForm } from './LoginForm';
import { getSession } from './session';

/**
 * When a request meets an expired or revoked session, this dialog opens over the page instead of navigating
 * away: whatever the user typed stays in the form underneath, and the request is sent again once they sign in.
 * Concurrent requests wait for the same sign-in.
 */
export function ReauthDialog({ lastUsername }: { lastUsername?: string }) {
  const [open, setOpen] = useState(false);
  const pending = useRef<{ promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | null>(null);

  useEffect(() => {
    installReauth(() => {
      if (!pending.current) {
        let resolve!: () => void;
        let reject!: (e: Error) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        pending.current = { promise, resolve, reject };
        setOpen(true);
      }
      return pending.current.promise;
    });
    return () => installReauth(null);
  }, []);

  const finish = (ok: boolean) => {
    const p = pending.current;
    pending.current = null;
    setOpen(false);
    if (ok) p?.resolve();
    else p?.reject(new Error('登录已过期'));
  };

  return (
    <Modal open={open} footer={null} onCancel={() => finish(false)} destroyOnHidden width={460} maskClosable={false} title="登录已过期，请重新登录（已填写的内容会保留）">
      <StaffLoginForm username={lastUsername ?? getSession()?.staff.username ?? undefined} onDone={() => finish(true)} />
    </Modal>
  );
}
