import { barRuns, checkValue, code128CValues, code128CWidths, code128Svg, QUIET_MODULES, START_C, STOP, symbolWidths } from '../src/utils/code128';

/** Widths → the 1/0 module string printed in barcode references (1 = bar). */
const modules = (widths: number[]) => widths.map((w, i) => (i % 2 === 0 ? '1' : '0').repeat(w)).join('');

describe('Code 128 set C', () => {
  it('every symbol is 11 modules of 3 bars and 3 spaces with an even bar width (the symbology’s own parity), all distinct', () => {
    const seen = new Set<string>();
    for (let v = 0; v < STOP; v++) {
      const w = symbolWidths(v);
      expect(w).toHaveLength(6);
      expect(w.reduce((a, b) => a + b, 0)).toBe(11);
      expect((w[0] + w[2] + w[4]) % 2).toBe(0);
      expect(w.every((x) => x >= 1 && x <= 4)).toBe(true);
      seen.add(w.join(''));
    }
    expect(seen.size).toBe(STOP);
    expect(modules(symbolWidths(STOP))).toBe('1100011101011'); // stop: 13 modules with the termination bar
    expect(() => symbolWidths(107)).toThrow(RangeError);
  });

  it('encodes "00" as the published module string (Start C, 00, check 2, Stop)', () => {
    expect(code128CValues('00')).toEqual([START_C, 0, 2, STOP]);
    expect(modules(code128CWidths('00'))).toBe('11010011100' + '11011001100' + '11001100110' + '1100011101011');
  });

  it('matches a published 32-digit encoding bar for bar (JBarcode’s Barcode128Test vector)', () => {
    const expected = [2, 1, 1, 2, 3, 2, 2, 2, 2, 1, 2, 2, 1, 2, 1, 3, 2, 2, 2, 2, 2, 1, 2, 2, 3, 1, 2, 1, 3, 1, 1, 1,
      3, 1, 2, 3, 1, 1, 1, 3, 2, 3, 1, 1, 1, 3, 2, 3, 1, 1, 2, 3, 1, 3, 1, 1, 3, 2, 2, 2, 1, 2, 1, 2, 2, 3, 1, 1, 2,
      2, 3, 2, 2, 1, 2, 3, 2, 1, 2, 2, 1, 3, 1, 2, 1, 1, 2, 2, 3, 2, 1, 3, 1, 1, 2, 3, 3, 3, 1, 1, 2, 1, 2, 2, 3, 1,
      1, 2, 2, 3, 3, 1, 1, 1, 2];
    expect(code128CWidths('01040123453333361503123110123456')).toEqual(expected);
  });

  it('computes the mod-103 check: start value plus position-weighted pair values', () => {
    // 105 + 1·12 + 2·34 + 3·56 = 353 = 3·103 + 44
    expect(code128CValues('123456')).toEqual([105, 12, 34, 56, 44, 106]);
    expect(checkValue([105, 12, 34, 56])).toBe(44);
    // An 18-digit member code: 9 pairs, then the check
    const values = code128CValues('881234567890123456');
    expect(values.slice(1, 10)).toEqual([88, 12, 34, 56, 78, 90, 12, 34, 56]);
    expect(values[10]).toBe((105 + [88, 12, 34, 56, 78, 90, 12, 34, 56].reduce((s, v, i) => s + (i + 1) * v, 0)) % 103);
  });

  it('an 18-digit code is 134 modules, 154 with the quiet zones', () => {
    const widths = code128CWidths('881234567890123456');
    expect(widths.reduce((a, b) => a + b, 0)).toBe(11 * 11 + 13);
    const { runs, total } = barRuns(widths);
    expect(total).toBe(134 + 2 * QUIET_MODULES);
    expect(runs[0]).toEqual([QUIET_MODULES, 2]); // Start C begins with a 2-module bar
    expect(runs).toHaveLength((11 * 6) / 2 + 4); // 3 bars a symbol, 4 in the stop
  });

  it('refuses what set C cannot encode', () => {
    for (const bad of ['', '123', '12a4', '12 34']) expect(() => code128CValues(bad)).toThrow(RangeError);
  });

  it('draws an SVG with one dark path that stretches to its box', () => {
    const svg = code128Svg('00');
    expect(svg).toContain('viewBox="0 0 66 1"'); // 11 + 11 + 11 + 13 + 2·10
    expect(svg).toContain('preserveAspectRatio="none"');
    expect(svg.match(/M\d+ 0h\d+v1h-\d+z/g)).toHaveLength(3 + 3 + 3 + 4);
  });
});
