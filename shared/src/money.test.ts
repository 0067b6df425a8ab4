import fc from 'fast-check';
import { assertFen, formatFen, parseYuan, pointsToFen } from './money';

/** parseYuan accepts at most 12 integer digits, so formatFen output is parseable below 10^14 fen. */
const PARSEABLE_MAX = 99_999_999_999_999;

describe('formatFen', () => {
  it.each([
    [1999, '19.99'],
    [0, '0.00'],
    [7, '0.07'],
    [10, '0.10'],
    [100, '1.00'],
    [-5, '-0.05'],
    [-1999, '-19.99'],
    [123456789, '1234567.89'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%p fen → %p', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('rejects non-integer or unsafe amounts', () => {
    for (const bad of [1.5, 0.1, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53)]) expect(() => formatFen(bad)).toThrow(RangeError);
  });
});

describe('parseYuan', () => {
  it.each([
    ['19.99', 1999],
    ['19.9', 1990],
    ['19', 1900],
    ['0.05', 5],
    ['0.5', 50],
    ['-0.05', -5],
    ['-19.99', -1999],
    [' 1.00 ', 100],
    ['007', 700],
    ['999999999999.99', PARSEABLE_MAX],
  ])('%p → %p fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it('rejects floats beyond two decimals, exponents and anything else', () => {
    for (const bad of ['1.999', '0.001', '1e3', '1E3', '1.5e2', '1.', '.5', '', ' ', 'abc', '1,000', '1 000', '+1', '--1', '0x10', 'Infinity', 'NaN', '１２', '¥1', '1.00元', '1000000000000']) {
      expect(() => parseYuan(bad)).toThrow(RangeError);
    }
  });

  it('property: round-trips formatFen exactly over the parseable range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -PARSEABLE_MAX, max: PARSEABLE_MAX }), (fen) => {
        expect(parseYuan(formatFen(fen))).toBe(fen === 0 ? 0 : fen);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: over all safe integers it either round-trips or refuses, never returns a wrong amount', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        let back: number;
        try {
          back = parseYuan(formatFen(fen));
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          expect(Math.abs(fen)).toBeGreaterThan(PARSEABLE_MAX);
          return;
        }
        expect(back).toBe(fen === 0 ? 0 : fen);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: for arbitrary text it throws RangeError or returns a safe integer that formats back to the same amount', () => {
    const numeric = fc.stringMatching(/^-?\d{0,14}(\.\d{0,3})?$/);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), numeric), (text) => {
        let fen: number;
        try {
          fen = parseYuan(text);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          return;
        }
        expect(Number.isSafeInteger(fen)).toBe(true);
        expect(parseYuan(formatFen(fen))).toBe(fen === 0 ? 0 : fen);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('assertFen / pointsToFen', () => {
  it('assertFen returns integers and rejects floats, naming the field', () => {
    expect(assertFen(12)).toBe(12);
    expect(() => assertFen(1.2, 'priceFen')).toThrow(/priceFen must be an integer/);
  });

  it('converts points at the configured value per point', () => {
    expect(pointsToFen(100)).toBe(1000);
    expect(pointsToFen(100, 5)).toBe(500);
    expect(pointsToFen(0)).toBe(0);
    expect(() => pointsToFen(1.5)).toThrow(/points must be an integer/);
  });
});
