import { LIFECYCLE_STAGES } from './api/tag';
import { compareRuleTags, LIFECYCLE_LABEL, tagHint, tagLabel, tagMatches } from './tag-labels';

const ASCII_DIGITS = /[0-9]/;

describe('tagLabel', () => {
  it('names the four lifecycle stages in Chinese', () => {
    expect(LIFECYCLE_STAGES.map((name) => tagLabel({ name, group: 'lifecycle' }))).toEqual(['新客', '活跃', '沉睡', '流失']);
    expect(Object.keys(LIFECYCLE_LABEL).sort()).toEqual([...LIFECYCLE_STAGES].sort());
  });

  it('gives every RFM band a Chinese dimension and band word, keeping the code', () => {
    expect(tagLabel({ name: 'R5', group: 'rfm' })).toBe('最近购买 · 很近 (R5)');
    expect(tagLabel({ name: 'R1', group: 'rfm' })).toBe('最近购买 · 很久 (R1)');
    expect(tagLabel({ name: 'F5', group: 'rfm' })).toBe('购买频次 · 很高 (F5)');
    expect(tagLabel({ name: 'F3', group: 'rfm' })).toBe('购买频次 · 中 (F3)');
    expect(tagLabel({ name: 'M1', group: 'rfm' })).toBe('消费金额 · 很低 (M1)');
    expect(tagLabel({ name: 'M4', group: 'rfm' })).toBe('消费金额 · 高 (M4)');
  });

  it('the 15 RFM labels are distinct and carry no threshold (thresholds are configuration)', () => {
    const labels = ['R', 'F', 'M'].flatMap((l) => [1, 2, 3, 4, 5].map((b) => tagLabel({ name: `${l}${b}`, group: 'rfm' })));
    expect(new Set(labels).size).toBe(15);
    for (const label of labels) expect(label.replace(/\([RFM][1-5]\)$/, '')).not.toMatch(ASCII_DIGITS);
    for (const l of ['R', 'F', 'M']) {
      const prefixes = new Set([1, 2, 3, 4, 5].map((b) => tagLabel({ name: `${l}${b}`, group: 'rfm' }).split(' · ')[0]));
      expect(prefixes.size).toBe(1); // one dimension per letter
    }
  });

  it('shows the brand\'s own tags, and rule-group names it does not know, as stored', () => {
    expect(tagLabel({ name: '坚果', group: 'category' })).toBe('坚果');
    expect(tagLabel({ name: 'new', group: 'custom' })).toBe('new'); // only the lifecycle group's `new` is 新客
    expect(tagLabel({ name: 'R5', group: 'custom' })).toBe('R5');
    expect(tagLabel({ name: 'R6', group: 'rfm' })).toBe('R6');
    expect(tagLabel({ name: 'r5', group: 'rfm' })).toBe('r5');
    expect(tagLabel({ name: 'lost-1', group: 'lifecycle' })).toBe('lost-1');
    expect(tagLabel({ name: 'constructor', group: 'lifecycle' })).toBe('constructor'); // not an inherited key
  });
});

describe('tagHint and tagMatches', () => {
  it('explains rule tags only', () => {
    expect(tagHint({ name: 'dormant', group: 'lifecycle' })).toMatch(/^生命周期：/);
    expect(tagHint({ name: 'M2', group: 'rfm' })).toBe('RFM M：累计净消费金额（扣除退款）分 5 档，5 档最高；本标签为第 2 档');
    expect(tagHint({ name: '坚果', group: 'category' })).toBeNull();
  });

  it('matches by label or stored name, case-insensitively; empty text matches everything', () => {
    const active = { name: 'active', group: 'lifecycle' };
    expect(tagMatches(active, '活跃')).toBe(true);
    expect(tagMatches(active, 'ACT')).toBe(true);
    expect(tagMatches(active, '流失')).toBe(false);
    expect(tagMatches({ name: 'R5', group: 'rfm' }, '最近')).toBe(true);
    expect(tagMatches({ name: 'R5', group: 'rfm' }, 'r5')).toBe(true);
    expect(tagMatches({ name: '坚果', group: 'category' }, '  ')).toBe(true);
  });
});

describe('compareRuleTags', () => {
  it('orders lifecycle by stage and RFM by letter then band 5 → 1, and leaves other tags in their order', () => {
    const lifecycle = ['lost', 'active', 'new', 'dormant'].map((name) => ({ name, group: 'lifecycle' }));
    expect([...lifecycle].sort(compareRuleTags).map((t) => t.name)).toEqual(['new', 'active', 'dormant', 'lost']);
    const rfm = ['F1', 'M5', 'R1', 'R5', 'F5', 'M1'].map((name) => ({ name, group: 'rfm' }));
    expect([...rfm].sort(compareRuleTags).map((t) => t.name)).toEqual(['R5', 'R1', 'F5', 'F1', 'M5', 'M1']);
    const brand = ['肉脯', '坚果', '果干'].map((name) => ({ name, group: 'category' }));
    expect([...brand].sort(compareRuleTags).map((t) => t.name)).toEqual(['肉脯', '坚果', '果干']);
    expect(compareRuleTags({ name: 'new', group: 'lifecycle' }, { name: 'R5', group: 'rfm' })).toBe(0);
  });
});
