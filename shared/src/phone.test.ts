import fc from 'fast-check';
import { maskPhone, PHONE_PATTERN } from './phone';

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    [' 138 1234 5678 ', '138****5678'],
    ['19900001111', '199****1111'],
    ['+8613812345678', '********5678'],
    ['85212345678', '*******5678'], // 11 digits not starting with 1: foreign, only the last 4 kept
    ['0085212345678', '********5678'],
    ['12345678901234567890', '********7890'],
    ['12345', '*2345'],
    ['1234', '****'],
    ['12', '****'],
    ['', '****'],
  ])('%p → %p', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('property: a mainland mobile keeps its first 3 and last 4 digits and hides the middle 4', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1\d{10}$/), (phone) => {
        const out = maskPhone(phone);
        expect(out).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('property: any other number reveals at most its last 4 characters, behind at most 8 stars', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+?\d{0,20}$/), (phone) => {
        fc.pre(!/^1\d{10}$/.test(phone));
        const out = maskPhone(phone);
        if (phone.length <= 4) return expect(out).toBe('****');
        expect(out.endsWith(phone.slice(-4))).toBe(true);
        expect(out.slice(0, -4)).toMatch(/^\*{1,8}$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('PHONE_PATTERN', () => {
  it('accepts mainland and E.164-ish numbers, rejects the rest', () => {
    for (const ok of ['13812345678', '+8613812345678', '12345', '+' + '1'.repeat(20)]) expect(PHONE_PATTERN.test(ok)).toBe(true);
    for (const bad of ['1234', '+', '138 1234 5678', '138-1234-5678', '1'.repeat(21), 'abcde', '++12345']) expect(PHONE_PATTERN.test(bad)).toBe(false);
  });
});
