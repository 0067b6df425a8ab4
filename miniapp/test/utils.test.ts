import { safeClerkRedirect } from '../src/clerk/hooks/use-staff-guard';
import { parseInviteCode } from '../src/clerk/utils/invite';
import { groupByCategory } from '../src/pages/menu/group';
import { cashAndPoints, dateTime, memberPriceText, signed, timeAgo, yuan } from '../src/utils/format';
import { memberBadge } from '../src/utils/member-level';
import { pointsReasonLabel } from '../src/utils/points-reason';
import { MENU } from './fixtures';

describe('format', () => {
  it('writes fen as yuan with two decimals, and member prices as cash + points', () => {
    expect(yuan(0)).toBe('¥0.00');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(190)).toBe('¥1.90');
    expect(yuan(123456)).toBe('¥1234.56');
    expect(cashAndPoints(190, 6)).toBe('¥1.90 + 6积分');
    expect(cashAndPoints(2590, 0)).toBe('¥25.90');
    expect(cashAndPoints(2590, undefined)).toBe('¥25.90');
    expect(() => yuan(1.5)).toThrow(RangeError);
  });

  it('signs points movements and dates times', () => {
    expect(signed(1000)).toBe('+1000');
    expect(signed(-20)).toBe('-20');
    expect(dateTime('not a date')).toBe('');
    expect(dateTime(null)).toBe('');
    expect(dateTime(new Date(2025, 4, 1, 9, 5).toISOString())).toBe('2025-05-01 09:05');
    const now = Date.parse('2025-05-10T12:00:00Z');
    expect(timeAgo('2025-05-10T11:59:40Z', now)).toBe('刚刚');
    expect(timeAgo('2025-05-10T11:15:00Z', now)).toBe('45 分钟前');
    expect(timeAgo('2025-05-10T07:00:00Z', now)).toBe('5 小时前');
    expect(timeAgo('2025-05-07T12:00:00Z', now)).toBe('3 天前');
    expect(timeAgo('2025-01-01T12:00:00Z', now)).toMatch(/^2025-01-01$/);
  });

  it('labels points reasons and member badges', () => {
    expect(pointsReasonLabel('welcome')).toBe('入会礼');
    expect(pointsReasonLabel('something_new')).toBe('积分变动');
    expect(memberBadge({ isMember: false, level: 0 })).toBe('粉丝');
    expect(memberBadge({ isMember: true, level: 0 })).toBe('会员');
    expect(memberBadge({ isMember: true, level: 2 })).toBe('会员 · V2');
  });
});

describe('menu grouping', () => {
  it('groups by category in server order, with names', () => {
    const sections = groupByCategory(MENU);
    expect(sections.map((s) => [s.name, s.items.map((p) => p.sku)])).toEqual([
      ['坚果', ['NUT-001', 'NUT-002']],
      ['肉脯', ['MEAT-001', 'MEAT-002']],
      ['果干', ['FRUIT-001']],
      ['饮料', ['DRINK-001']],
    ]);
  });

  it('falls back to one section when the server sends no category names', () => {
    const sections = groupByCategory(MENU.map(({ category: _c, ...p }) => p));
    expect(sections).toHaveLength(1);
    expect(sections[0].name).toBe('全部商品');
    expect(groupByCategory([])).toEqual([]);
  });
});

describe('clerk helpers', () => {
  it('finds the invite code in a bare code, a link or a query', () => {
    expect(parseInviteCode('Ab3dE6fG9h')).toBe('Ab3dE6fG9h');
    expect(parseInviteCode('  Ab3dE6fG9h ')).toBe('Ab3dE6fG9h');
    expect(parseInviteCode('https://brand.example/clerk?invite=Ab3dE6fG9h&x=1')).toBe('Ab3dE6fG9h');
    expect(parseInviteCode('clerk/pages/login/index?inviteCode=Ab3dE6fG9h')).toBe('Ab3dE6fG9h');
    expect(parseInviteCode('abc')).toBeNull();
    expect(parseInviteCode('<script>')).toBeNull();
    expect(parseInviteCode(undefined)).toBeNull();
  });

  it('returns to clerk pages only after login', () => {
    expect(safeClerkRedirect('/clerk/pages/home/index')).toBe('/clerk/pages/home/index');
    expect(safeClerkRedirect(encodeURIComponent('/clerk/pages/customer/index?id=5'))).toBe('/clerk/pages/customer/index?id=5');
    expect(safeClerkRedirect('/clerk/pages/login/index')).toBeNull();
    expect(safeClerkRedirect('/pages/index/index')).toBeNull();
    expect(safeClerkRedirect('https://evil.example/clerk/pages/home/index')).toBeNull();
    expect(safeClerkRedirect('%E0%A4%A')).toBeNull();
    expect(safeClerkRedirect(undefined)).toBeNull();
  });
});

describe('member price text', () => {
  it('reads like the price tag: points spent, points given, or none', () => {
    expect(memberPriceText({ memberPriceFen: 190, memberPoints: 6 })).toBe('¥1.90 + 6积分');
    expect(memberPriceText({ memberPriceFen: 2990, memberPointsGiven: 30 })).toBe('¥29.90 送30积分');
    expect(memberPriceText({ memberPriceFen: 990 })).toBe('¥9.90');
    expect(memberPriceText({})).toBeNull();
  });
});
