/**
 * Code 128, set C only: what a till's scanner reads off the member code (18 digits → 9 symbols). Set C packs two
 * digits per symbol, so an even number of digits is required; our codes always have 18.
 *
 * A symbol is 11 modules: 3 bars and 3 spaces, widths 1–4, written here as 6 digits starting with a bar. The stop
 * symbol has a 4th bar (7 widths, 13 modules). Structure of a set-C barcode:
 *
 *   quiet zone (≥ 10 modules) | Start C (105) | pair values 00–99 … | check | Stop | quiet zone
 *
 * The check symbol is (105 + Σ position × value) mod 103, positions counted from 1 after the start.
 */
const PATTERNS = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const START_C = 105;
export const STOP = 106;
/** The quiet zone each side, in modules (the symbology's minimum). */
export const QUIET_MODULES = 10;

/** The 6 (stop: 7) bar/space widths of a symbol value, starting with a bar. */
export function symbolWidths(value: number): number[] {
  const p = PATTERNS[value];
  if (p === undefined) throw new RangeError(`no Code 128 symbol ${value}`);
  return p.split('').map(Number);
}

/** The mod-103 check value of a symbol sequence that starts with its start symbol. */
export function checkValue(values: readonly number[]): number {
  let sum = values[0];
  for (let i = 1; i < values.length; i++) sum += i * values[i];
  return sum % 103;
}

/** Start C, one value per digit pair, the check value, Stop. Throws on anything but an even number of digits. */
export function code128CValues(digits: string): number[] {
  if (!/^(\d\d)+$/.test(digits)) throw new RangeError('Code 128 set C needs a non-empty, even number of digits');
  const values = [START_C];
  for (let i = 0; i < digits.length; i += 2) values.push(Number(digits.slice(i, i + 2)));
  values.push(checkValue(values), STOP);
  return values;
}

/** The whole symbol as alternating bar/space widths in modules, starting and ending with a bar (no quiet zones). */
export function code128CWidths(digits: string): number[] {
  return code128CValues(digits).flatMap(symbolWidths);
}

/** The dark runs as [start, width] in modules, quiet zone included on the left: what a renderer fills. */
export function barRuns(widths: readonly number[], quiet = QUIET_MODULES): { runs: [number, number][]; total: number } {
  const runs: [number, number][] = [];
  let x = quiet;
  widths.forEach((w, i) => {
    if (i % 2 === 0) runs.push([x, w]);
    x += w;
  });
  return { runs, total: x + quiet };
}

/**
 * An SVG of the barcode (H5), quiet zones included. `preserveAspectRatio="none"` lets the image fill its box: the
 * bars stretch in height and scale evenly in width, which a scanner does not mind.
 */
export function code128Svg(digits: string, dark = '#1f1d1a'): string {
  const { runs, total } = barRuns(code128CWidths(digits));
  const d = runs.map(([x, w]) => `M${x} 0h${w}v1h-${w}z`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} 1" preserveAspectRatio="none" shape-rendering="crispEdges"><rect width="${total}" height="1" fill="#fff"/><path d="${d}" fill="${dark}"/></svg>`;
}
