import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { StoreSelect as OrdersStoreSelect } from '../../src/pages/orders/StoreSelect';
import { StoreSelect } from '../../src/pages/stores/StoreSelect';

jest.setTimeout(30_000);

const STORES = [{ id: 1, code: 'DEMO01', name: '光谷店', status: 'active' }];

/**
 * The customers page (orders' picker) and the staff page (this picker) share one react-query cache in the app:
 * each must keep its own entry, or the second page reads the first one's shape (it crashed the staff list).
 */
it('the stores picker and the orders picker share a query client without reading each other\'s cache', async () => {
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ items: STORES, total: 1 }), headers: new Headers() }) as unknown as Response) as unknown as typeof fetch;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const ui = (picker: JSX.Element) => (
    <QueryClientProvider client={client}>
      <App>{picker}</App>
    </QueryClientProvider>
  );
  const { rerender } = render(ui(<OrdersStoreSelect />));
  await waitFor(() => expect((global.fetch as jest.Mock).mock.calls.length).toBe(1));
  rerender(ui(<StoreSelect testId="store-select" />));
  fireEvent.mouseDown(screen.getByTestId('store-select').querySelector('.ant-select-selector')!);
  await screen.findByTitle('光谷店（DEMO01）');
});
