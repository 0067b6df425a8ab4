import { useCallback, useEffect, useRef, useState } from 'react';
import type { QrCodeView } from '@o2o/shared';
import { isApiError } from '../../api/api-error';
import { getMe, getMyQrCode } from '../api/clerk';
import { describeClerkError } from '../utils/clerk-error';

export type MyQrCodeState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  /** No code to show: the staff member has no store (the server answers 404), or the code is disabled. */
  | { status: 'empty'; message: string }
  | { status: 'ready'; qrCode: QrCodeView; staffName: string; role: string; storeName: string };

/** The clerk's own code with their name and store; a refresh keeps what is on screen when it fails. */
export function useMyQrCode(): { state: MyQrCodeState; reload: () => Promise<boolean> } {
  const [state, setState] = useState<MyQrCodeState>({ status: 'loading' });
  const run = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++run.current;
    try {
      const [me, qrCode] = await Promise.all([
        getMe(),
        getMyQrCode().catch((err: unknown) => {
          if (isApiError(err) && err.code === 'NOT_FOUND') return null;
          throw err;
        }),
      ]);
      if (mine !== run.current) return true;
      if (!me.store || !qrCode) setState({ status: 'empty', message: '您还未分配到门店，暂无导购码，请联系店长' });
      else if (qrCode.status !== 'active') setState({ status: 'empty', message: '您的导购码已停用，请联系店长' });
      else setState({ status: 'ready', qrCode, staffName: me.staff.name, role: me.staff.role, storeName: me.store.name });
      return true;
    } catch (err) {
      if (mine === run.current) setState((s) => (s.status === 'ready' ? s : { status: 'error', message: describeClerkError(err, '导购码加载失败') }));
      return false;
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { state, reload };
}
