/**
 * CSV (RFC 4180) for the console's imports, used by the server (the truth) and the console (preview, template):
 * fields separated by commas, records by CRLF or LF (a lone CR too, as old Mac exports do); a field in double quotes
 * may hold commas, line breaks and `""` for one quote. A UTF-8 BOM is dropped. Lenient where spreadsheets are sloppy:
 * a quote inside an unquoted field is kept as a character, and a record of only empty fields (Excel's trailing
 * `,,,` lines) is skipped. An unterminated quoted field is an error, because everything after it would be one field.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

export interface CsvParseResult {
  records: CsvRecord[];
  /** Set when a quoted field never closes: the line where it opened. Records before it are still returned. */
  unterminatedQuoteLine?: number;
}

export function parseCsv(text: string): CsvParseResult {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = s.length;
  const endRecord = () => {
    fields.push(field);
    if (fields.some((f) => f !== '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < n) {
    const c = s[i];
    if (c === '"' && field === '') {
      // quoted field: read to the closing quote
      const openLine = line;
      i++;
      let closed = false;
      let start = i;
      let value = '';
      while (i < n) {
        const d = s[i];
        if (d === '"') {
          if (s[i + 1] === '"') {
            value += s.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          value += s.slice(start, i);
          i++;
          closed = true;
          break;
        }
        if (d === '\n' || (d === '\r' && s[i + 1] !== '\n')) line++;
        i++;
      }
      if (!closed) return { records, unterminatedQuoteLine: openLine };
      field = value;
      // Anything between the closing quote and the next separator is kept (lenient, like spreadsheets).
      while (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    // plain run up to the next special character
    let j = i + 1;
    while (j < n && s[j] !== ',' && s[j] !== '\r' && s[j] !== '\n') j++;
    field += s.slice(i, j);
    i = j;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records };
}

/** Quotes a field when it must be (comma, quote, line break, or edge spaces a spreadsheet would trim). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes records as CSV with CRLF line ends and a UTF-8 BOM (so Excel opens Chinese text as UTF-8).
 * `parseCsv(toCsv(rows))` gives the rows back (rows of only empty fields excepted).
 */
export function toCsv(rows: readonly (readonly string[])[], opts: { bom?: boolean } = {}): string {
  const body = rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
  return (opts.bom ?? true ? '\ufeff' : '') + body;
}

// ---- import columns: header names in Chinese or English ----

export interface CsvColumn<K extends string = string> {
  key: K;
  /** The template's header (Chinese), shown to operators. */
  label: string;
  /** Other accepted header names (English key, synonyms); matched trimmed and case-insensitively. */
  aliases: readonly string[];
  required: boolean;
}

export interface HeaderMatch<K extends string> {
  /** Column key → index in each record; only columns present in the header. */
  index: Partial<Record<K, number>>;
  missing: string[];
  unknown: string[];
  /** Header names given twice (both spellings of one column count as twice). */
  duplicate: string[];
  /** Every accepted column, by its template label (for the error details). */
  expected: string[];
  ok: boolean;
}

const norm = (h: string) => h.trim().toLowerCase().replace(/\s+/g, '');

/** Maps a header record to the import's columns. Blank header cells (Excel's trailing commas) are ignored. */
export function matchHeader<K extends string>(header: readonly string[], columns: readonly CsvColumn<K>[]): HeaderMatch<K> {
  const byName = new Map<string, CsvColumn<K>>();
  for (const col of columns) for (const name of [col.label, col.key, ...col.aliases]) byName.set(norm(name), col);
  const index: Partial<Record<K, number>> = {};
  const unknown: string[] = [];
  const duplicate: string[] = [];
  header.forEach((raw, i) => {
    if (norm(raw) === '') return;
    const col = byName.get(norm(raw));
    if (!col) unknown.push(raw.trim());
    else if (index[col.key] !== undefined) duplicate.push(raw.trim());
    else index[col.key] = i;
  });
  const missing = columns.filter((c) => c.required && index[c.key] === undefined).map((c) => c.label);
  return { index, missing, unknown, duplicate, expected: columns.map((c) => c.label), ok: missing.length === 0 && unknown.length === 0 && duplicate.length === 0 };
}

/** One record's value of a column: trimmed, '' when the column is absent or the record is short. */
export function cell<K extends string>(record: CsvRecord, match: HeaderMatch<K>, key: K): string {
  const i = match.index[key];
  return i === undefined ? '' : (record.fields[i] ?? '').trim();
}
