import fc from 'fast-check';
import { buildScene, parseScene, QR_CODE_PATTERN, SCENE_MAX_LENGTH } from './scene';

const CODE = 'AbCdEf12';
const arbCode = fc.stringMatching(/^[A-Za-z0-9]{6,24}$/);

describe('parseScene', () => {
  it('reads the code from a decoded scene', () => {
    expect(parseScene(`c=${CODE}`)).toBe(CODE);
  });

  it('reads the code from a scene URL-encoded once', () => {
    expect(parseScene('c%3DAbCdEf12')).toBe(CODE);
    expect(parseScene(encodeURIComponent(`c=${CODE}`))).toBe(CODE);
  });

  it('reads the code from a scene URL-encoded twice', () => {
    expect(parseScene('c%253DAbCdEf12')).toBe(CODE);
    expect(parseScene(encodeURIComponent(encodeURIComponent(`c=${CODE}`)))).toBe(CODE);
  });

  it('decodes at most twice: a scene encoded three times is not attributed', () => {
    expect(parseScene('c%25253DAbCdEf12')).toBeNull();
  });

  it('returns null for malformed percent-encoding', () => {
    expect(parseScene('%E0%A4%A')).toBeNull();
    expect(parseScene('c=%E0%A4%A')).toBeNull();
    expect(parseScene('c%3D%')).toBeNull();
    // a lone surrogate is not valid UTF-8 either
    expect(parseScene('c%3D%ED%A0%80')).toBeNull();
  });

  it(`returns null for a decoded scene longer than ${SCENE_MAX_LENGTH} characters, even with a valid code`, () => {
    const atLimit = `c=${CODE}&x=${'y'.repeat(SCENE_MAX_LENGTH - CODE.length - 5)}`;
    expect(atLimit).toHaveLength(SCENE_MAX_LENGTH);
    expect(parseScene(atLimit)).toBe(CODE);
    expect(parseScene(`${atLimit}y`)).toBeNull();
    expect(parseScene(encodeURIComponent(`${atLimit}y`))).toBeNull();
    expect(parseScene('c%3D' + CODE + '%26x%3D' + 'y'.repeat(500))).toBeNull();
  });

  it('returns null for characters outside the WeChat scene charset', () => {
    expect(parseScene(`c=${CODE} `)).toBeNull();
    expect(parseScene('c=AbCd<f12')).toBeNull();
    expect(parseScene('c=测试测试测试')).toBeNull();
    expect(parseScene(encodeURIComponent('c=测试测试测试'))).toBeNull();
    expect(parseScene('c=AbCd%f12')).toBeNull();
  });

  it('returns null when the code does not match the code pattern', () => {
    expect(parseScene('c=AbCd5')).toBeNull(); // 5 chars
    expect(parseScene(`c=${'A'.repeat(25)}`)).toBeNull(); // 25 chars
    expect(parseScene('c=AbCd-f12')).toBeNull();
    expect(parseScene('c=AbCd+f12')).toBeNull(); // '+' is a space in a query string
    expect(parseScene('c=')).toBeNull();
    expect(parseScene('c')).toBeNull();
  });

  it('ignores other keys and reads only c (case-sensitive)', () => {
    expect(parseScene(`x=1&c=${CODE}`)).toBe(CODE);
    expect(parseScene(`c=${CODE}&utm=poster`)).toBe(CODE);
    expect(parseScene(encodeURIComponent(`s=9&c=${CODE}`))).toBe(CODE);
    expect(parseScene(`k=${CODE}`)).toBeNull();
    expect(parseScene(`C=${CODE}`)).toBeNull();
    expect(parseScene(CODE)).toBeNull();
  });

  it('returns null for anything that is not a non-empty string', () => {
    for (const v of [undefined, null, 0, 42, {}, [], ['c=AbCdEf12'], true, '', Symbol('x')]) expect(parseScene(v)).toBeNull();
  });

  it('property: never throws and returns null or a valid QR code for arbitrary strings', () => {
    const check = (s: unknown) => {
      const out = parseScene(s);
      return out === null || (typeof out === 'string' && /^[A-Za-z0-9]{6,24}$/.test(out));
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 2000 });
    // strings made of the characters that exercise decoding and query parsing
    const pieces = fc.constantFrom('%', '%25', '%3D', '%26', 'c', '=', '&', 'A', '1', 'E0', 'A4', 'F', '+', 'z');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.anything(), check), { numRuns: 300 });
  });

  it('property: buildScene(code) round-trips raw, encoded once and encoded twice', () => {
    fc.assert(
      fc.property(arbCode, (code) => {
        const scene = buildScene(code);
        expect(scene.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH);
        expect(parseScene(scene)).toBe(code);
        expect(parseScene(encodeURIComponent(scene))).toBe(code);
        expect(parseScene(encodeURIComponent(encodeURIComponent(scene)))).toBe(code);
      }),
      { numRuns: 500 },
    );
  });
});

describe('buildScene', () => {
  it('rejects anything that is not a QR code', () => {
    for (const bad of ['', 'abc12', 'A'.repeat(25), 'AbCd-f12', 'AbCd f12', 'c=AbCdEf12', '测试测试测试']) {
      expect(QR_CODE_PATTERN.test(bad)).toBe(false);
      expect(() => buildScene(bad)).toThrow(RangeError);
    }
  });

  it('builds c=<code>', () => {
    expect(buildScene(CODE)).toBe('c=AbCdEf12');
  });
});
