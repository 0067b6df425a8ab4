import type { ReactNode } from 'react';
import { couponFace, couponRule, type CardTerms } from './coupon-text';

/**
 * The wallet card as the mini-program draws it (miniapp/src/components/coupon-card): the figure and rule on a red
 * stub, a perforation, title and validity on the right, an action in the corner; `muted` greys it. Sizes are the
 * mini-program's at the phone's scale (its design is 750 px wide; the console shows it at half size).
 */
const BRAND = '#b3262d';
const BRAND_DARK = '#8c1c22';

export function WalletCard({ coupon, validity, note, action, muted = false }: { coupon: CardTerms & { title: string }; validity?: string; note?: string; action?: ReactNode; muted?: boolean }) {
  const face = couponFace(coupon);
  const stub = muted ? 'linear-gradient(135deg, #c9c4bd 0%, #a8a29a 100%)' : `linear-gradient(135deg, ${BRAND} 0%, ${BRAND_DARK} 100%)`;
  return (
    <div data-testid="wallet-card" style={{ display: 'flex', alignItems: 'stretch', width: 345, borderRadius: 12, background: '#fff', boxShadow: '0 2px 8px rgba(43,38,34,0.08)', overflow: 'hidden', fontFamily: 'inherit' }}>
      <div style={{ position: 'relative', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', width: 100, padding: '12px 8px', background: stub, color: '#fff' }}>
        <div style={{ display: 'flex', alignItems: 'baseline' }} data-testid="wallet-card-face">
          {face.unit === '元' && <span style={{ fontSize: 14, fontWeight: 600 }}>¥</span>}
          <span style={{ fontSize: 32, fontWeight: 700, lineHeight: 1.1 }}>{face.value}</span>
          {face.unit !== '元' && <span style={{ fontSize: 14, fontWeight: 600 }}>{face.unit}</span>}
        </div>
        <span style={{ marginTop: 4, fontSize: 11, opacity: 0.9, textAlign: 'center' }} data-testid="wallet-card-rule">
          {couponRule(coupon)}
        </span>
        <span style={{ position: 'absolute', top: 6, bottom: 6, right: -1, borderRight: '2px dotted #f6f4f0' }} />
      </div>
      <div style={{ flex: 1, minWidth: 0, padding: 12 }}>
        <div style={{ fontSize: 14, fontWeight: 600, color: muted ? '#6f6a64' : '#1f1d1a', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{coupon.title || '优惠券标题'}</div>
        {validity && <div style={{ marginTop: 4, fontSize: 11, color: '#a39d96' }}>{validity}</div>}
        {note && <div style={{ marginTop: 4, fontSize: 11, color: muted ? '#6f6a64' : BRAND }}>{note}</div>}
      </div>
      {action && <div style={{ display: 'flex', alignItems: 'center', paddingRight: 12 }}>{action}</div>}
    </div>
  );
}

/** The mini-program's primary small button ("立即领取"), drawn for the preview. */
export function CardButton({ children, ghost = false }: { children: ReactNode; ghost?: boolean }) {
  return (
    <span
      style={{
        display: 'inline-block',
        padding: '3px 10px',
        borderRadius: 999,
        fontSize: 12,
        color: ghost ? BRAND : '#fff',
        background: ghost ? '#fff' : BRAND,
        border: `1px solid ${BRAND}`,
        whiteSpace: 'nowrap',
      }}
    >
      {children}
    </span>
  );
}
