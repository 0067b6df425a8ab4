import { configure, render, screen } from '@testing-library/react';
import type { BulkPhonesReport } from '@o2o/shared';
import { PhoneReport } from '../../src/pages/tags/PhoneReport';
import { nonBlank, phoneLines } from '../../src/pages/tags/phones';

jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5000 });

const report = (over: Partial<BulkPhonesReport>): BulkPhonesReport => ({
  dryRun: true,
  total: 9,
  distinct: 4,
  duplicates: 1,
  matched: 2,
  notFound: { count: 2, sample: ['139****0001', '139****0002'] },
  invalid: { count: 3, lines: [5, 8, 9] },
  changed: 0,
  applied: false,
  ...over,
});

describe('phone list parsing', () => {
  it('keeps one entry per file line (so line numbers match), takes a CSV first cell, blanks a header, drops the final newline', () => {
    const lines = phoneLines('\uFEFF手机号,姓名\r\n13800138000,张三\n"+86 139 0013 9000",李四\n\n12345\n');
    expect(lines).toEqual(['', '13800138000', '+86 139 0013 9000', '', '12345']);
    expect(nonBlank(lines)).toBe(3);
    // a plain list with a number on line 1: no header
    expect(phoneLines('13800138000\n13900139000')).toEqual(['13800138000', '13900139000']);
  });
});

describe('PhoneReport', () => {
  it('dry run: matched, not found with masked numbers, invalid line numbers, and says nothing changed', () => {
    render(<PhoneReport report={report({})} />);
    expect(screen.getByText('预检完成：将为 2 位顾客打标签')).toBeTruthy();
    expect(screen.getByTestId('tags-bulk-phones-matched').textContent).toBe('2');
    expect(screen.getByTestId('tags-bulk-phones-not-found').textContent).toBe('2');
    expect(screen.getByTestId('tags-bulk-phones-invalid').textContent).toBe('3');
    expect(screen.getByText('139****0001')).toBeTruthy();
    expect(screen.getByTestId('tags-bulk-phones-invalid-lines').textContent).toBe('5、8、9');
    expect(screen.getByText(/预检不做任何修改/)).toBeTruthy();
  });

  it('applied: how many got the tag and how many already had it; long invalid lists are cut with a count', () => {
    const lines = Array.from({ length: 60 }, (_, i) => i + 2);
    render(<PhoneReport tagName="春季上新" report={report({ dryRun: false, applied: true, matched: 5, changed: 3, invalid: { count: 1200, lines } })} />);
    expect(screen.getByText('已为 5 位顾客打上「春季上新」')).toBeTruthy();
    expect(screen.getByText('其中 2 位已有该标签，未改动（新增 3）。')).toBeTruthy();
    expect(screen.getByTestId('tags-bulk-phones-invalid-lines').textContent).toMatch(/^2、3、.*、51 等，另有 1150 行$/);
  });

  it('nothing matched: a warning', () => {
    render(<PhoneReport report={report({ matched: 0, notFound: { count: 0, sample: [] }, invalid: { count: 0, lines: [] } })} />);
    expect(screen.getByText('预检完成：没有匹配到任何顾客')).toBeTruthy();
    expect(screen.queryByTestId('tags-bulk-phones-invalid-lines')).toBeNull();
  });
});
