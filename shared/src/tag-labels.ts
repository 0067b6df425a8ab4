import type { LifecycleStage } from './api/tag';

/**
 * What a person reads for a tag. Lifecycle and RFM tags are stored under fixed internal names (`new`, `R5`…:
 * the rule recompute finds its tags by them, and segment rules refer to them by id), so a Chinese screen shows
 * these words instead. The words name the band, never its threshold: thresholds are configuration
 * (TAG_LIFECYCLE_*_DAYS, TAG_RFM_R_DAYS, TAG_RFM_F_ORDERS, TAG_RFM_M_FEN) and may change without a release; the
 * values in force come from GET /api/admin/tags/rule-settings. Other groups' tags are named by the brand and
 * shown as stored.
 */

export const LIFECYCLE_LABEL: Record<LifecycleStage, string> = { new: '新客', active: '活跃', dormant: '沉睡', lost: '流失' };

const LIFECYCLE_HINT: Record<LifecycleStage, string> = {
  new: '从未购买，首次扫码（或注册）不久',
  active: '近期有购买',
  dormant: '一段时间没有购买（或扫码后一直未购买）',
  lost: '很久没有购买',
};

type RfmLetter = 'R' | 'F' | 'M';

/** Each RFM letter: what it measures, and its five bands' words from band 1 to band 5 (5 is the best). */
const RFM: Record<RfmLetter, { dimension: string; bands: readonly [string, string, string, string, string]; hint: string }> = {
  R: { dimension: '最近购买', bands: ['很久', '较久', '中等', '较近', '很近'], hint: '距上次购买的天数分 5 档，5 档最近' },
  F: { dimension: '购买频次', bands: ['很低', '低', '中', '高', '很高'], hint: '累计支付订单数分 5 档，5 档最多' },
  M: { dimension: '消费金额', bands: ['很低', '低', '中', '高', '很高'], hint: '累计净消费金额（扣除退款）分 5 档，5 档最高' },
};

const RFM_NAME = /^([RFM])([1-5])$/;

function isLifecycleStage(name: string): name is LifecycleStage {
  return Object.prototype.hasOwnProperty.call(LIFECYCLE_LABEL, name);
}

/**
 * A tag's display label: 新客 / 活跃 / 沉睡 / 流失 for lifecycle tags, e.g. `最近购买 · 很近 (R5)` or
 * `消费金额 · 高 (M4)` for RFM tags (the code stays, as operators know RFM by it), otherwise the tag's own name
 * (also for a rule-group name this does not know).
 */
export function tagLabel(tag: { name: string; group: string }): string {
  if (tag.group === 'lifecycle' && isLifecycleStage(tag.name)) return LIFECYCLE_LABEL[tag.name];
  if (tag.group === 'rfm') {
    const m = RFM_NAME.exec(tag.name);
    if (m) {
      const rfm = RFM[m[1] as RfmLetter];
      return `${rfm.dimension} · ${rfm.bands[Number(m[2]) - 1]} (${tag.name})`;
    }
  }
  return tag.name;
}

/** One sentence on what a rule tag means (for a tooltip), or null for tags the brand names itself. */
export function tagHint(tag: { name: string; group: string }): string | null {
  if (tag.group === 'lifecycle' && isLifecycleStage(tag.name)) return `生命周期：${LIFECYCLE_HINT[tag.name]}`;
  if (tag.group === 'rfm') {
    const m = RFM_NAME.exec(tag.name);
    if (m) return `RFM ${m[1]}：${RFM[m[1] as RfmLetter].hint}；本标签为第 ${m[2]} 档`;
  }
  return null;
}

/**
 * Display order inside the rule groups: lifecycle stages in their order (新客, 活跃, 沉睡, 流失), RFM by letter
 * (R, F, M) and band from 5 down to 1; 0 for tags of different groups or groups named by the brand, so a stable
 * sort keeps their order (by name).
 */
export function compareRuleTags(a: { name: string; group: string }, b: { name: string; group: string }): number {
  const rank = (t: { name: string; group: string }): number | null => {
    if (t.group === 'lifecycle' && isLifecycleStage(t.name)) return Object.keys(LIFECYCLE_LABEL).indexOf(t.name);
    const m = t.group === 'rfm' ? RFM_NAME.exec(t.name) : null;
    return m ? 'RFM'.indexOf(m[1]!) * 5 + (5 - Number(m[2])) : null;
  };
  if (a.group !== b.group) return 0;
  const ra = rank(a);
  const rb = rank(b);
  return ra === null || rb === null ? 0 : ra - rb;
}

/** Whether a search text matches a tag by its label or by its stored name (pickers filter on both). */
export function tagMatches(tag: { name: string; group: string }, text: string): boolean {
  const t = text.trim().toLowerCase();
  return !t || tagLabel(tag).toLowerCase().includes(t) || tag.name.toLowerCase().includes(t);
}
