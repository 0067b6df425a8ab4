import { decodeScene, entryScene, sceneFromLink } from '../src/utils/scene';

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

describe('a printed poster (plain link QR) opens the entry page with q', () => {
  const link = 'https://api.example.com/h5/#/pages/index/index?scene=c%3DK7f3Qa';
  it('takes the scene out of the encoded link WeChat hands over', () => {
    expect(sceneFromLink(encodeURIComponent(link))).toBe('c=K7f3Qa');
    expect(entryScene({ q: encodeURIComponent(link) })).toBe('c=K7f3Qa');
  });
  it('prefers a mini-program code scene and ignores links without one or malformed', () => {
    expect(entryScene({ scene: 'c%3DAAAAAA', q: encodeURIComponent(link) })).toBe('c=AAAAAA');
    expect(sceneFromLink(encodeURIComponent('https://x.example/h5/#/pages/index/index'))).toBeUndefined();
    expect(sceneFromLink('%E0%A4%A')).toBeUndefined();
    expect(entryScene({})).toBeUndefined();
  });
});
