import fc from 'fast-check';
import { cell, matchHeader, parseCsv, toCsv, type CsvColumn } from './csv';

const rows = (text: string) => parseCsv(text).records.map((r) => r.fields);
const lines = (text: string) => parseCsv(text).records.map((r) => r.line);

describe('parseCsv (RFC 4180)', () => {
  it('splits fields and records, LF, CRLF and lone CR alike', () => {
    expect(rows('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(rows('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(rows('a,b\r1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(rows('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(rows('a,,c,\n')).toEqual([['a', '', 'c', '']]);
    expect(rows(',x')).toEqual([['', 'x']]);
  });

  it('reads quoted fields with commas, escaped quotes and line breaks', () => {
    expect(rows('"a,b","say ""hi""","line1\nline2"\n')).toEqual([['a,b', 'say "hi"', 'line1\nline2']]);
    expect(rows('"crlf\r\ninside",x\r\n')).toEqual([['crlf\r\ninside', 'x']]);
    expect(rows('"",""\n')).toEqual([]); // a record of empty fields is skipped
    expect(rows('"",x\n')).toEqual([['', 'x']]);
  });

  it('drops a UTF-8 BOM so the first header name matches', () => {
    expect(rows('\ufeff门店编码,门店名称\nS1,光谷店\n')).toEqual([['门店编码', '门店名称'], ['S1', '光谷店']]);
  });

  it('numbers records by the line they start on, across multi-line fields and skipped blank lines', () => {
    expect(lines('h1,h2\n"a\nb",c\n\nd,e\r\n,,\r\nf,g')).toEqual([1, 2, 5, 7]);
  });

  it('is lenient with a quote inside an unquoted field and with text after a closing quote', () => {
    expect(rows('5" screen,x\n')).toEqual([['5" screen', 'x']]);
    expect(rows('"a"b,c\n')).toEqual([['ab', 'c']]);
  });

  it('reports an unterminated quoted field with its line, keeping the records before it', () => {
    const r = parseCsv('a,b\n1,2\n"open,3\n4,5\n');
    expect(r.unterminatedQuoteLine).toBe(3);
    expect(r.records.map((x) => x.fields)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('round-trips what toCsv writes (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '店', ',', '"', '\n', '\r', ' ', 'x', '\r\n') });
    const row = fc.array(field, { minLength: 1, maxLength: 5 }).filter((r) => r.some((f) => f !== ''));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), (data) => {
        expect(rows(toCsv(data))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a BOM and CRLF, quoting only where needed', () => {
    expect(toCsv([['门店编码', 'a,b'], ['x"y', ' pad']])).toBe('\ufeff门店编码,"a,b"\r\n"x""y"," pad"\r\n');
    expect(toCsv([['a']], { bom: false })).toBe('a\r\n');
  });
});

describe('matchHeader', () => {
  const cols: CsvColumn<'code' | 'name' | 'status'>[] = [
    { key: 'code', label: '门店编码', aliases: ['store code'], required: true },
    { key: 'name', label: '门店名称', aliases: [], required: true },
    { key: 'status', label: '状态', aliases: [], required: false },
  ];

  it('accepts Chinese or English names in any order and case, ignoring blank trailing cells', () => {
    const m = matchHeader(['Name', ' 门店编码 ', '', ''], cols);
    expect(m.ok).toBe(true);
    expect(m.index).toEqual({ name: 0, code: 1 });
    const rec = { line: 2, fields: ['  光谷店 ', 'S1'] };
    expect(cell(rec, m, 'name')).toBe('光谷店');
    expect(cell(rec, m, 'status')).toBe('');
    expect(matchHeader(['Store Code', 'name'], cols).ok).toBe(true);
  });

  it('reports missing required, unknown and duplicated columns with the expected list', () => {
    const m = matchHeader(['门店编码', 'code', '电话'], cols);
    expect(m.ok).toBe(false);
    expect(m.missing).toEqual(['门店名称']);
    expect(m.unknown).toEqual(['电话']);
    expect(m.duplicate).toEqual(['code']);
    expect(m.expected).toEqual(['门店编码', '门店名称', '状态']);
  });
});
