import '../alerts/text-encoder';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter } from 'react-router';
import type { PosTerminalView } from '@o2o/shared';
import { setSession } from '../../src/app/session';
import PosTerminalsPage from '../../src/pages/pos/PosTerminalsPage';
import { SecretModal } from '../../src/pages/pos/SecretModal';

jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 8000 });

const terminal = (over: Partial<PosTerminalView>): PosTerminalView => ({
  id: 1,
  keyId: 'pk_AAAAAAAAAAAAAAAAAAAA',
  storeId: 3,
  storeName: '光谷店',
  name: '1 号收银台',
  secretFingerprint: '1a2b3c4d',
  createdAt: '2027-01-01T02:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  ...over,
});

afterEach(() => {
  cleanup();
  setSession(null);
});

describe('the secret, shown once', () => {
  it('shows the key id and the secret with copy buttons, warns it will not be shown again, and closes only by the button', async () => {
    const onClose = jest.fn();
    render(
      <AntApp>
        <SecretModal created={{ terminal: terminal({}), secret: 'ps_secret-value-123' }} onClose={onClose} />
      </AntApp>,
    );
    const modal = await screen.findByTestId('pos-secret-modal');
    expect(screen.getByTestId('pos-secret-key-id').textContent).toContain('pk_AAAAAAAAAAAAAAAAAAAA');
    expect(screen.getByTestId('pos-secret-value').textContent).toContain('ps_secret-value-123');
    expect(screen.getByTestId('pos-secret-key-id-copy')).toBeTruthy();
    expect(screen.getByTestId('pos-secret-value-copy')).toBeTruthy();
    expect(modal.textContent).toContain('密钥只显示这一次');
    expect(modal.textContent).toContain('关闭此窗口后无法再次查看密钥');
    expect(modal.textContent).toContain('docs/pos-integration.md');
    expect(screen.getByTestId('pos-secret-guide').textContent).toContain('X-Pos-Signature');
    // no close icon, no Esc
    expect(document.querySelector('.ant-modal-close')).toBeNull();
    fireEvent.keyDown(modal, { key: 'Escape', code: 'Escape', keyCode: 27 });
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('pos-secret-done'));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('收银终端 page', () => {
  function setup(terminals: PosTerminalView[]) {
    setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), staff: { id: 1, name: '管理员', role: 'admin', storeId: null } } as never);
    const calls: { url: string; method: string; body: any }[] = [];
    global.fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ url, method, body });
      let json: unknown = { items: [], total: 0 };
      let status = 200;
      if (url.startsWith('/api/admin/pos-terminals') && method === 'GET') json = { items: terminals };
      if (url === '/api/admin/pos-terminals' && method === 'POST') {
        status = 201;
        json = { terminal: terminal({ id: 9, name: body.name, storeId: body.storeId, keyId: 'pk_NEWNEWNEWNEWNEWNEW22' }), secret: 'ps_shown-once' };
      }
      if (method === 'DELETE') json = { terminal: terminal({ revokedAt: '2027-01-02T00:00:00.000Z' }) };
      if (url.startsWith('/api/admin/stores')) json = { items: [{ id: 3, code: 'DEMO01', name: '光谷店', status: 'active' }], total: 1 };
      return { ok: status < 400, status, json: async () => json, headers: new Headers() } as unknown as Response;
    }) as unknown as typeof fetch;
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <AntApp>
        <QueryClientProvider client={client}>
          <MemoryRouter>
            <PosTerminalsPage />
          </MemoryRouter>
        </QueryClientProvider>
      </AntApp>,
    );
    return calls;
  }

  it('lists terminals (never a secret): key id, fingerprint, last use, status; a revoked one has no 停用', async () => {
    setup([terminal({ id: 2, name: '2 号收银台', lastUsedAt: '2027-01-03T04:05:00.000Z' }), terminal({ id: 1, revokedAt: '2027-01-02T00:00:00.000Z' })]);
    await screen.findByText('2 号收银台');
    const table = screen.getByTestId('pos-terminals-table');
    expect(table.textContent).toContain('pk_AAAAAAAAAAAAAAAAAAAA');
    expect(table.textContent).toContain('1a2b3c4d');
    expect(table.textContent).toContain('2027-01-03 12:05');
    expect(table.textContent).toContain('启用中');
    expect(table.textContent).toContain('已停用');
    expect(screen.getByTestId('pos-revoke-2')).toBeTruthy();
    expect(screen.queryByTestId('pos-revoke-1')).toBeNull();
  });

  it('停用 asks first, saying the till stops at once, then revokes', async () => {
    const calls = setup([terminal({ id: 2, name: '2 号收银台' })]);
    fireEvent.click(await screen.findByTestId('pos-revoke-2'));
    const pop = await screen.findByText('停用「2 号收银台」？');
    expect(pop.closest('.ant-popover')!.textContent).toContain('立即生效：这台收银机的下一个请求就会被拒绝');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await act(async () => {
      fireEvent.click(screen.getByTestId('pos-revoke-confirm'));
    });
    await waitFor(() => expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual(['/api/admin/pos-terminals/2']));
  });

  it('creates a terminal for a store and shows its secret once', async () => {
    const calls = setup([]);
    fireEvent.click(await screen.findByTestId('pos-create-button'));
    const dialog = (await screen.findByText('新建收银终端')).closest('.ant-modal') as HTMLElement;
    fireEvent.mouseDown(within(dialog).getByRole('combobox'));
    fireEvent.click(await screen.findByTitle('光谷店（DEMO01）'));
    fireEvent.change(within(dialog).getByPlaceholderText('如 1 号收银台'), { target: { value: '3 号收银台' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('pos-create-submit'));
    });
    await screen.findByTestId('pos-secret-modal');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([{ url: '/api/admin/pos-terminals', method: 'POST', body: { storeId: 3, name: '3 号收银台' } }]);
    expect(screen.getByTestId('pos-secret-value').textContent).toContain('ps_shown-once');
    fireEvent.click(screen.getByTestId('pos-secret-done'));
    await waitFor(() => expect(screen.queryByTestId('pos-secret-modal')).toBeNull());
  });
});
