import { decodeScene } from '../src/utils/scene';

describe('decodeScene', () => {
  it('decodes the URL-encoded scene WeChat and H5 hand over', () => {
    expect(decodeScene('c%3DK7f3Qa')).toBe('c=K7f3Qa');
    expect(decodeScene('abc%3D1%26x')).toBe('abc=1&x');
  });

  it('keeps an already decoded scene as it is', () => {
    expect(decodeScene('c=K7f3Qa')).toBe('c=K7f3Qa');
  });

  it('ignores malformed encodings instead of throwing', () => {
    expect(() => decodeScene('%E0%A4%A')).not.toThrow();
    expect(decodeScene('%E0%A4%A')).toBeUndefined();
    expect(decodeScene('c%3D%')).toBeUndefined();
  });

  it('ignores missing, empty, non-string and oversized values', () => {
    expect(decodeScene(undefined)).toBeUndefined();
    expect(decodeScene('')).toBeUndefined();
    expect(decodeScene('   ')).toBeUndefined();
    expect(decodeScene(42)).toBeUndefined();
    expect(decodeScene('x'.repeat(513))).toBeUndefined();
    expect(decodeScene('x'.repeat(512))).toHaveLength(512);
  });
});
