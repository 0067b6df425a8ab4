import { IMPORT_MAX_ROWS, matchHeader, parseCsv, type CsvColumn, type CsvRecord, type HeaderMatch, type ImportRowError, type ImportRowErrorCode } from '@o2o/shared';
import { AppError } from '../../lib/app-error';

/**
 * The file-level checks every CSV import shares (stores, staff): a file that cannot be read as the template is
 * refused whole, before any row is looked at — an unterminated quote (400 VALIDATION_FAILED naming the line),
 * a wrong header (400 IMPORT_HEADER_INVALID with {missing, unknown, duplicate, expected}), too many rows (413).
 */
export interface ImportFile<K extends string> {
  match: HeaderMatch<K>;
  headerWidth: number;
  /** Data records (the header excluded), with their line numbers. */
  rows: CsvRecord[];
}

export function readImportFile<K extends string>(csv: string, columns: readonly CsvColumn<K>[]): ImportFile<K> {
  const parsed = parseCsv(csv);
  if (parsed.unterminatedQuoteLine !== undefined) {
    throw new AppError('VALIDATION_FAILED', `Unterminated quoted field from line ${parsed.unterminatedQuoteLine}`, [
      { path: 'csv', line: parsed.unterminatedQuoteLine, message: `第 ${parsed.unterminatedQuoteLine} 行的引号没有闭合` },
    ]);
  }
  const [header, ...rows] = parsed.records;
  const match = matchHeader(header?.fields ?? [], columns);
  if (!header || !match.ok) {
    throw new AppError('IMPORT_HEADER_INVALID', undefined, { missing: match.missing, unknown: match.unknown, duplicate: match.duplicate, expected: match.expected });
  }
  if (rows.length > IMPORT_MAX_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `At most ${IMPORT_MAX_ROWS} rows per file`, { maxRows: IMPORT_MAX_ROWS, rows: rows.length });
  return { match, headerWidth: header.fields.length, rows };
}

/** Per-row errors, kept in line order; a line with an error is never applied. */
export class RowErrors {
  readonly list: ImportRowError[] = [];
  private readonly lines = new Set<number>();

  add(line: number, column: string | undefined, code: ImportRowErrorCode, message: string): void {
    this.list.push(column === undefined ? { line, code, message } : { line, column, code, message });
    this.lines.add(line);
  }

  has(line: number): boolean {
    return this.lines.has(line);
  }

  sorted(): ImportRowError[] {
    return [...this.list].sort((a, b) => a.line - b.line);
  }
}

/** A record with values beyond the header (an unquoted comma, usually) cannot be trusted column by column. */
export function checkWidth(record: CsvRecord, headerWidth: number, errors: RowErrors): boolean {
  const extra = record.fields.slice(headerWidth).filter((f) => f.trim() !== '').length;
  if (extra === 0) return true;
  errors.add(record.line, undefined, 'COLUMN_COUNT', `该行比表头多出 ${extra} 列，可能含有未加引号的逗号`);
  return false;
}

/** Checks a text's length against the column's limit (characters, as the database counts them). */
export function checkLength(line: number, label: string, value: string, max: number, errors: RowErrors): boolean {
  if ([...value].length <= max) return true;
  errors.add(line, label, 'TOO_LONG', `${label}过长（最多 ${max} 个字）`);
  return false;
}
