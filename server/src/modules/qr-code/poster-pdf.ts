import QRCode from 'qrcode';
import { buildScene, type StaffRole } from '@o2o/shared';
import { CJK_FONT } from '../job/pdf';
import { QR_PAGE } from './qr-code.service';

/**
 * What a printed poster's QR encodes.
 *
 * The code the console shows (`imageUrl`, wxacode.getUnlimited) is WeChat's round mini-program code: only WeChat
 * reads it and it cannot be drawn from a payload. A printed poster instead carries a standard QR of a link, which
 * opens the same entry two ways:
 *  - in WeChat, through "扫普通链接二维码打开小程序": the brand registers the link prefix (QR_LINK_BASE, default
 *    PUBLIC_BASE_URL/h5/) in the mini-program admin, and WeChat opens the mini-program's entry page with the link
 *    in `q`; the scene is the link's `scene` parameter;
 *  - in any other camera or browser, the link itself: the H5 build of the same entry page (hash router), which
 *    reads `scene` exactly as the mini-program does.
 * The `scene` is the code's mini-program scene (`c=<code>`, buildScene), URL-encoded once as WeChat hands it to a
 * page; the server's parseScene accepts it raw, once or twice encoded. So a scan of the printed code lands on the
 * store's (or clerk's) entry with the same attribution as a scan of the mini-program code.
 */
export function posterLink(linkBase: string, code: string): string {
  return `${linkBase}#/${QR_PAGE}?scene=${encodeURIComponent(buildScene(code))}`;
}

export interface PosterData {
  brandName: string;
  storeName: string;
  storeCode: string;
  region: string | null;
  /** Clerk codes: the clerk's name; store codes: null. */
  clerkName: string | null;
  /** Clerk codes: the role of the code's owner (store managers serve customers too and have one); store codes: null. */
  clerkRole: StaffRole | null;
  code: string;
  link: string;
}

// A5 portrait in points
const W = 419.53;
const H = 595.28;
const BRAND_COLOUR = '#b3262d';
const QR_SIZE = 250;
const TEXT_W = W - 60;

/** What the customer calls the code's owner: 店长 for a store manager, 导购 for a clerk. */
const OWNER_TITLE: Partial<Record<StaffRole, string>> = { store_manager: '店长', clerk: '导购' };

/** The line under the store's name: "专属导购 · 王芳", "专属店长 · 周店长", or "门店会员码" on a store code. */
export function posterOwnerLine(p: Pick<PosterData, 'clerkName' | 'clerkRole'>): string {
  if (!p.clerkName) return '门店会员码';
  return `专属${OWNER_TITLE[p.clerkRole ?? 'clerk'] ?? '导购'} · ${p.clerkName}`;
}

/** One A5 page: brand band, store, clerk, the QR drawn as vectors, the code, the call to action, the store code. */
export function drawPoster(doc: PDFKit.PDFDocument, p: PosterData): void {
  doc.addPage({ size: 'A5', margin: 0 });
  doc.font(CJK_FONT);
  doc.rect(0, 0, W, 92).fill(BRAND_COLOUR);
  doc.fillColor('#ffffff').fontSize(30).text(p.brandName, 30, 30, { width: TEXT_W, align: 'center', lineBreak: false });
  doc.fillColor('#1f1f1f').fontSize(20).text(p.storeName, 30, 112, { width: TEXT_W, align: 'center', height: 26, ellipsis: true });
  doc.fillColor('#595959').fontSize(14).text(posterOwnerLine(p), 30, 144, { width: TEXT_W, align: 'center', height: 20, ellipsis: true });
  drawQr(doc, p.link, (W - QR_SIZE) / 2, 178, QR_SIZE);
  doc.fillColor('#8c8c8c').fontSize(10).text(`编号 ${p.code}`, 30, 440, { width: TEXT_W, align: 'center', lineBreak: false });
  doc.fillColor(BRAND_COLOUR).fontSize(22).text('扫码成为会员 · 领新人礼', 30, 468, { width: TEXT_W, align: 'center', lineBreak: false });
  doc.fillColor('#8c8c8c').fontSize(9).text([p.storeCode, p.region].filter(Boolean).join(' · '), 30, H - 40, { width: TEXT_W, align: 'center', lineBreak: false });
}

/**
 * The QR as filled rectangles: each row's runs of dark modules are one rect, all filled at once — a few hundred
 * path operators instead of a bitmap (research/console.md §5: ~2 s per 1,000 pages, PNGs ~65 s). Error
 * correction M: a printed poster gets scuffed. The page is white around it, which is the quiet zone.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const m = size / n;
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!modules.data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && modules.data[r * n + c]) c++;
      doc.rect(x + start * m, y + r * m, (c - start) * m, m);
    }
  }
  doc.fill('#000000');
}
