/**
 * The number-and-date stamp (Decree 30/2020/NĐ-CP, Annex I): drawn as a /Stamp annotation with its own
 * appearance stream, so it can be added as an incremental update without touching page content
 * (an earlier leader signature then sees only an ANNOTATIONS change).
 */
import { adaptFontkit } from './font.js';
import { PDFDocument, PDFName, PDFArray, PDFDict, PDFHexString, PDFRef, PDFString, type PDFPage } from '@cantoo/pdf-lib';

/** What to stamp. `kind: 'attachment'` gives the one-line text of Decree 30 for separate attachments. */
export type StampSpec = { numberNotation: string; date: Date; place?: string; kind?: 'document' | 'attachment'; page?: number };

/** Date parts in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vnParts(d: Date): { day: number; month: number; year: number; hh: string; mm: string; ss: string } {
  const t = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return { day: t.getUTCDate(), month: t.getUTCMonth() + 1, year: t.getUTCFullYear(), hh: p(t.getUTCHours()), mm: p(t.getUTCMinutes()), ss: p(t.getUTCSeconds()) };
}

/** "Hà Nội, ngày 05 tháng 02 năm 2026": days below 10 and months 1–2 take a leading zero (Decree 30, Annex I). */
export function vnDateLine(d: Date, place?: string): string {
  const { day, month, year } = vnParts(d);
  const dd = day < 10 ? `0${day}` : `${day}`;
  const mm = month <= 2 ? `0${month}` : `${month}`;
  return `${place ? `${place}, ` : ''}ngày ${dd} tháng ${mm} năm ${year}`.normalize('NFC');
}

/** The stamp's text lines. */
export function stampLines(s: StampSpec): string[] {
  if (s.kind === 'attachment') {
    const { year, month, day, hh, mm, ss } = vnParts(s.date);
    const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${hh}:${mm}:${ss}+07:00`;
    return [`Số và ký hiệu văn bản: ${s.numberNotation}; thời gian ký: ${iso}`.normalize('NFC')];
  }
  return [`Số: ${s.numberNotation}`.normalize('NFC'), vnDateLine(s.date, s.place)];
}

/** Add the page's annotation reference without normalising the page (pdf-lib would rewrite /Contents). */
export function appendAnnot(doc: PDFDocument, page: PDFPage, ref: PDFRef): void {
  const node = page.node;
  const existing = node.get(PDFName.of('Annots'));
  const arr = existing instanceof PDFRef ? doc.context.lookup(existing) : existing;
  if (arr instanceof PDFArray) {
    arr.push(ref);
    if (existing instanceof PDFRef) doc.context.snapshot?.markRefForSave(existing);
  } else node.set(PDFName.of('Annots'), doc.context.obj([ref]));
  doc.context.snapshot?.markRefForSave(page.ref);
}

/** Draw the stamp as an annotation on page `s.page` (default first page), top-left. */
export async function addStamp(doc: PDFDocument, s: StampSpec, fontBytes: Buffer): Promise<void> {
  // fontkit takes ~1.5 s to load: only when a stamp is drawn.
  const fontkit = (await import('@pdf-lib/fontkit')).default;
  doc.registerFontkit(adaptFontkit(fontkit) as Parameters<PDFDocument['registerFontkit']>[0]);
  const font = await doc.embedFont(fontBytes, { subset: true });
  const size = s.kind === 'attachment' ? 10 : 12;
  const lines = stampLines(s);
  const page = doc.getPage(s.page ?? 0);
  const { width, height } = page.getSize();
  const w = Math.min(width - 40, Math.max(...lines.map(l => font.widthOfTextAtSize(l, size))) + 8);
  const h = lines.length * (size + 4) + 6;
  const x = s.kind === 'attachment' ? 20 : 60;
  const y = s.kind === 'attachment' ? 20 : height - 150;
  const ops = lines.map((l, i) => `BT /F0 ${size} Tf 4 ${h - (i + 1) * (size + 4)} Td ${font.encodeText(l).toString()} Tj ET`).join('\n');
  const ap = doc.context.flateStream(ops, {
    Type: 'XObject', Subtype: 'Form', BBox: [0, 0, w, h],
    Resources: { Font: { F0: font.ref } },
  });
  const apRef = doc.context.register(ap);
  const annot = doc.context.obj({
    Type: 'Annot', Subtype: 'Stamp', Rect: [x, y, x + w, y + h], F: 4 | 128,
    P: page.ref, NM: PDFString.of(`edoc-stamp-${s.numberNotation}`.replace(/[^\x20-\x7e]/g, '_')),
    Contents: PDFHexString.fromText(lines.join(' — ')),
    AP: { N: apRef },
  }) as PDFDict;
  appendAnnot(doc, page, doc.context.register(annot));
}
