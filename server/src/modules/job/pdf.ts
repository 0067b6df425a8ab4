import fs from 'node:fs';
import PDFDocument = require('pdfkit');
import type { Config } from '../../config';
import { JobFailure } from './job-failure';

/** The name printed matter uses for the registered CJK font: `doc.font(CJK_FONT)`. */
export const CJK_FONT = 'cjk';

/**
 * A pdfkit document with the configured CJK font registered and selected, pages added by the caller
 * (`autoFirstPage: false`). The font is a Debian TTC (fonts-wqy-microhei by default): pdfkit needs the PostScript
 * name of the face inside a collection, and subsets what is used (a page of a poster stays ~2 KB after the first).
 * A missing or unreadable font fails the job with a message saying how to fix it, not with a stack trace.
 */
export function openPdf(print: Config['print'], info: { Title: string; Author?: string }): PDFKit.PDFDocument {
  if (!fs.existsSync(print.fontFile))
    throw new JobFailure(`找不到中文字体文件 ${print.fontFile}：请安装 fonts-wqy-microhei，或用 PDF_FONT_FILE / PDF_FONT_NAME 指定字体`);
  const doc = new PDFDocument({ size: 'A5', margin: 0, autoFirstPage: false, compress: true, info: { Author: print.brandName, ...info } });
  try {
    doc.registerFont(CJK_FONT, print.fontFile, print.fontName);
    doc.font(CJK_FONT);
  } catch (err) {
    throw new JobFailure(`无法使用字体 ${print.fontFile}（${print.fontName}）：${(err as Error).message}`);
  }
  return doc;
}
