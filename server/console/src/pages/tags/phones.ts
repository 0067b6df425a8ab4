/**
 * An uploaded phone list (.txt or .csv) → one entry per line, so the server's invalid line numbers are the file's.
 * A CSV line gives its first cell (quotes stripped); a first line without any digit is a header and is sent blank
 * (the server skips blank entries); a final empty line is dropped. Nothing is validated here: the server reports.
 */
export function phoneLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((line, i) => {
    const cell = line.split(/[,;\t，]/)[0].trim().replace(/^"(.*)"$/, '$1').trim();
    return i === 0 && !/\d/.test(cell) ? '' : cell;
  });
}

/** How many entries of the list are not blank (what the operator is about to send). */
export const nonBlank = (lines: string[]) => lines.reduce((n, l) => n + (l.trim() ? 1 : 0), 0);
