/** Test PDFs made in code: a one-page document, and helpers to tamper with signed files. */
import { PDFDocument, StandardFonts, rgb } from '@cantoo/pdf-lib';
import { readDer } from '../../src/signature/der.js';

/** A small one-page PDF with some text (optionally padded with a large content stream to `padTo` bytes). */
export async function samplePdf(text = 'QUYET DINH ve viec thu nghiem', padTo = 0): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(text, { x: 60, y: 700, size: 14, font, color: rgb(0, 0, 0) });
  let i = 0;
  const bytes = async () => Buffer.from(await doc.save({ useObjectStreams: false }));
  let out = await bytes();
  if (padTo > out.length) {
    // Incompressible-ish text lines so the file reaches the wanted size.
    const lines: string[] = [];
    let size = out.length;
    while (size < padTo) { const l = `Dong ${i++} ${Math.sin(i).toString(36)} ${Math.cos(i * 7).toString(36)}`; lines.push(l); size += l.length + 30; }
    const p2 = doc.addPage([595, 842]);
    for (const [k, l] of lines.entries()) p2.drawText(l, { x: 20, y: 800 - (k % 60) * 12, size: 8, font });
    out = await bytes();
  }
  return out;
}

/** Locate the last signature's /Contents hole: [start of '<', end after '>']. */
export function lastHole(pdf: Buffer): { start: number; end: number; cmsLength: number } {
  const br = pdf.lastIndexOf('/ByteRange [');
  const start = pdf.indexOf('/Contents <', br) + 10;
  const end = pdf.indexOf('>', start) + 1;
  const cms = Buffer.from(pdf.toString('latin1', start + 1, end - 1), 'hex');
  return { start, end, cmsLength: readDer(cms).end };
}

/** Copy with one byte XOR-ed. */
export function flip(pdf: Buffer, at: number, mask = 0x01): Buffer {
  const b = Buffer.from(pdf);
  b[at]! ^= mask;
  return b;
}

/** Append an incremental update made with @cantoo/pdf-lib that changes page content. */
export async function addContentIncrementally(pdf: Buffer, text = 'SỬA NỘI DUNG'): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.getPage(0).drawText(text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/Đ/g, 'D').replace(/đ/g, 'd'), { x: 60, y: 500, size: 20, font });
  return Buffer.from(await doc.commit({ useObjectStreams: false }));
}
