/**
 * Documents prepared for shadow attacks (Mainka, Mladenov, Rohlmann, NDSS 2021) before they are
 * signed: the hidden content is already in the signed bytes, and an update after signing reveals
 * or swaps it. Built with the raw writer on top of pdf-lib documents.
 */
import { PDFDocument, StandardFonts, rgb } from '@cantoo/pdf-lib';
import { samplePdf } from './pki-pdf.js';
import { RawUpdate, firstPage, parse, stream } from './raw-pdf.js';
import { PdfDict, PdfRef, type PdfValue } from '../../src/signature/pdf-lexer.js';

/** Object numbers the attacks need. */
export type Shadow = { pdf: Buffer; evil: number; overlay: number; emptyOverlayAt: number; hiddenPages: number; font: number; dangling: number };

/**
 * A page showing "PHE DUYET: CO" drawn over "PHE DUYET: KHONG" by an opaque overlay stream; an unused
 * empty stream; a hidden page tree with another text; an XObject name that points at an object
 * number the document does not define yet.
 */
export async function shadowPdf(): Promise<Shadow> {
  const u = new RawUpdate(await samplePdf());
  const pageNum = firstPage(u);
  const page = u.dict(pageNum);
  const res = page.get('Resources') as PdfDict;
  const fonts = res.get('Font') as PdfDict;
  const font = (fonts.map.values().next().value as PdfRef).num;
  const resources = new PdfDict(new Map(res.map), -1, -1);
  resources.map.set('Font', new PdfDict(new Map([...fonts.map, ['F1', new PdfRef(font, 0)]]), -1, -1));
  const dangling = u.reserve();
  resources.map.set('XObject', parse(`<< /Im0 ${dangling} 0 R >>`));
  page.map.set('Resources', resources);
  const evil = u.add(stream('BT /F1 14 Tf 60 650 Td (PHE DUYET: KHONG) Tj ET'));
  // The overlay object is defined twice before signing: first empty, then (in a later update) opaque.
  const overlay = u.add(stream(''));
  page.map.set('Contents', [...(page.get('Contents') as PdfValue[]), new PdfRef(evil, 0), new PdfRef(overlay, 0)]);
  u.put(pageNum, page);
  const hiddenContent = u.add(stream('BT /F1 20 Tf 60 700 Td (QUYET DINH GIA MAO) Tj ET'));
  const hiddenPages = u.reserve();
  const hiddenPage = u.add(`<< /Type /Page /Parent ${hiddenPages} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${hiddenContent} 0 R >>`);
  u.put(hiddenPages, `<< /Type /Pages /Kids [${hiddenPage} 0 R] /Count 1 >>`);
  const first = u.finish();
  const emptyOverlayAt = first.indexOf(`\n${overlay} 0 obj`, u.pdf.length) + 1;
  const pdf = new RawUpdate(first).put(overlay, stream('q 1 1 1 rg 55 640 320 30 re f Q BT /F1 14 Tf 60 650 Td (PHE DUYET: CO) Tj ET q 200 0 0 40 60 560 cm /Im0 Do Q')).finish();
  return { pdf, evil, overlay, emptyOverlayAt, hiddenPages, font, dangling };
}

/** Two text fields on the same spot: the signer sees "DONG Y" (on top, opaque); "KHONG DONG Y" lies under it. */
export async function stackedFormPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Y kien cua lanh dao:', { x: 60, y: 700, size: 14, font, color: rgb(0, 0, 0) });
  const form = doc.getForm();
  for (const [name, value] of [['y_kien_an', 'KHONG DONG Y'], ['y_kien', 'DONG Y']]) {
    const f = form.createTextField(name!);
    f.setText(value);
    f.addToPage(page, { x: 60, y: 640, width: 260, height: 24, font, backgroundColor: rgb(1, 1, 1) });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
