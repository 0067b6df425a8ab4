import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from 'antd';
import { IMPORT_TEMPLATES, STORE_IMPORT_COLUMNS, type ImportReport } from '@o2o/shared';
import { TextDecoder as NodeTextDecoder, TextEncoder } from 'node:util';
import { importStores } from '../../src/api/stores';
import { CsvImport, decodeCsvBytes } from '../../src/components/CsvImport';

// jsdom has no TextDecoder; the browser's and Node's share the WHATWG API (with GB18030 under full ICU).
if (!('TextDecoder' in globalThis)) (globalThis as { TextDecoder?: unknown }).TextDecoder = NodeTextDecoder;

const HEADER = '门店编码,门店名称,城市,区域,地址,状态';
const GOOD = `${HEADER}\nWH001,光谷店,武汉,华中一区,光谷 1 号,营业\nWH001,重复店,武汉,华中一区,,\nWH003,,武汉,华中一区,,\n`;

type Call = { url: string; body: { csv: string } };
let calls: Call[];
let answers: { status: number; body: unknown }[];

function mockFetch() {
  calls = [];
  answers = [];
  global.fetch = jest.fn(async (url: string, init?: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init?.body ?? '{}')) });
    const a = answers.shift() ?? { status: 500, body: { code: 'INTERNAL', message: 'x', requestId: 'r' } };
    return { ok: a.status < 400, status: a.status, json: async () => a.body, headers: new Headers() } as unknown as Response;
  }) as unknown as typeof fetch;
}

const report = (r: Partial<ImportReport>): ImportReport => ({ dryRun: true, total: 0, created: 0, updated: 0, unchanged: 0, errors: [], applied: false, ...r });

function renderImport(onApplied = jest.fn()) {
  const qc = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <App>
        <CsvImport columns={STORE_IMPORT_COLUMNS} template={IMPORT_TEMPLATES.stores} run={importStores} onApplied={onApplied} />
      </App>
    </QueryClientProvider>,
  );
  return onApplied;
}

const paste = (text: string) => fireEvent.change(screen.getByTestId('csv-text'), { target: { value: text } });
const applyButton = () => screen.getByTestId('csv-apply').closest('button')!;
const dryRunButton = () => screen.getByTestId('csv-dry-run').closest('button')!;

beforeEach(mockFetch);
jest.setTimeout(30_000); // antd renders slowly in jsdom on a busy 2-core machine

describe('CsvImport: dry run display and apply', () => {
  it('shows each row error with line, column and message, the counts, and applies only after a dry run of the same text', async () => {
    const onApplied = renderImport();
    expect((dryRunButton()).disabled).toBe(true);
    paste(GOOD);
    expect((screen.getByTestId('csv-local-summary')).textContent).toContain('共 3 行数据');
    expect((applyButton()).disabled).toBe(true); // not checked yet

    answers.push({
      status: 200,
      body: report({
        total: 3,
        created: 1,
        errors: [
          { line: 3, column: '门店编码', code: 'DUPLICATE_IN_FILE', message: '门店编码 WH001 与第 2 行重复' },
          { line: 4, column: '门店名称', code: 'REQUIRED', message: '门店名称不能为空' },
        ],
      }),
    });
    fireEvent.click(dryRunButton());
    const table = await screen.findByTestId('csv-errors');
    expect(calls[0].url).toBe('/api/admin/stores/import?dryRun=1');
    expect(calls[0].body).toEqual({ csv: GOOD });
    const rows = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['3', '门店编码', '门店编码 WH001 与第 2 行重复'],
      ['4', '门店名称', '门店名称不能为空'],
    ]);
    const counts = screen.getByTestId('csv-counts');
    expect((counts).textContent).toContain('将新增1');
    expect((counts).textContent).toContain('有错误（将跳过）2');
    expect((applyButton()).disabled).toBe(false);

    // editing the text invalidates the dry run: apply waits for a new one
    paste(GOOD + 'WH004,四号店,武汉,华中一区,,\n');
    expect((applyButton()).disabled).toBe(true);
    expect(screen.queryByTestId('csv-errors')).toBeNull();
    paste(GOOD);
    answers.push({ status: 200, body: report({ total: 3, created: 1, errors: [{ line: 3, column: '门店编码', code: 'DUPLICATE_IN_FILE', message: '重复' }] }) });
    fireEvent.click(dryRunButton());
    await waitFor(() => expect((applyButton()).disabled).toBe(false));

    answers.push({ status: 200, body: report({ dryRun: false, applied: true, total: 3, created: 1, errors: [{ line: 3, column: '门店编码', code: 'DUPLICATE_IN_FILE', message: '重复' }] }) });
    fireEvent.click(applyButton());
    const result = await screen.findByTestId('csv-result');
    expect(calls[2].url).toBe('/api/admin/stores/import?dryRun=0');
    expect((result).textContent).toContain('导入完成：新增 1，更新 0，无变化 0');
    expect((result).textContent).toContain('1 行有错误，已跳过');
    expect((within(result).getByTestId('csv-errors')).textContent).toContain('重复');
    expect(onApplied).toHaveBeenCalledWith(expect.objectContaining({ applied: true, created: 1 }));
  });

  it('keeps apply disabled while the header is wrong, naming the missing and unknown columns (locally and from the server)', async () => {
    renderImport();
    paste('门店编码,门店名称,电话\nWH001,光谷店,123\n');
    const local = screen.getByTestId('csv-header-error');
    expect((local).textContent).toContain('缺少列：城市、区域、地址');
    expect((local).textContent).toContain('无法识别的列：电话');
    expect((applyButton()).disabled).toBe(true);

    answers.push({ status: 400, body: { code: 'IMPORT_HEADER_INVALID', message: 'bad header', requestId: 'r', details: { missing: ['城市', '区域', '地址'], unknown: ['电话'], duplicate: [], expected: ['门店编码'] } } });
    fireEvent.click(dryRunButton());
    await waitFor(() => expect(calls).toHaveLength(1));
    expect((screen.getByTestId('csv-header-error')).textContent).toContain('无法识别的列：电话');
    expect(screen.queryByTestId('csv-counts')).toBeNull();
    expect((applyButton()).disabled).toBe(true);
  });

  it('does not offer to apply a file whose every row has an error', async () => {
    renderImport();
    paste(`${HEADER}\n,无编码店,武汉,华中,,\n`);
    answers.push({ status: 200, body: report({ total: 1, errors: [{ line: 2, column: '门店编码', code: 'REQUIRED', message: '门店编码不能为空' }] }) });
    fireEvent.click(dryRunButton());
    await screen.findByTestId('csv-errors');
    expect((applyButton()).disabled).toBe(true);
    expect(screen.getByText('没有需要写入的行')).toBeTruthy();
  });

  it('reads a chosen file, UTF-8 or the GB18030 Excel saves in China, into the text to check', async () => {
    renderImport();
    const input = screen.getByTestId('csv-file-input') as HTMLInputElement;
    expect(input.type).toBe('file');
    // "门店编码,门店名称,城市,区域,地址" in GB18030, then one ASCII row
    const gbk = Uint8Array.from([
      0xc3, 0xc5, 0xb5, 0xea, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xc3, 0xc5, 0xb5, 0xea, 0xc3, 0xfb, 0xb3, 0xc6, 0x2c, 0xb3, 0xc7, 0xca, 0xd0, 0x2c, 0xc7, 0xf8, 0xd3, 0xf2, 0x2c, 0xb5, 0xd8, 0xd6, 0xb7,
      0x0a, ...Array.from(new TextEncoder().encode('WH9,x,y,z,w\n')),
    ]);
    await act(async () => {
      fireEvent.change(input, { target: { files: [new File([gbk], 'stores.csv', { type: 'text/csv' })] } });
    });
    await waitFor(() => expect((screen.getByTestId('csv-text') as HTMLTextAreaElement).value).toBe('门店编码,门店名称,城市,区域,地址\nWH9,x,y,z,w\n'));
    expect(screen.getByText('已选择：stores.csv（可重新选择）')).toBeTruthy();
    expect(decodeCsvBytes(new TextEncoder().encode('\ufeff门店编码').buffer as ArrayBuffer)).toBe('门店编码'); // the BOM is dropped
  });
});
