/** Test PDFs made in code: a one-page document, and helpers to tamper with signed files. */
import { PDFDocument, StandardFonts, rgb } from '@cantoo/pdf-lib';
import crypto from 'node:crypto';
import { readDer } from '../../src/signature/der.js';

/** A small one-page PDF with some text (optionally padded with a large content stream to `padTo` bytes). */
export async function samplePdf(text = 'QUYET DINH ve viec thu nghiem', padTo = 0): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(text, { x: 60, y: 700, size: 14, font, color: rgb(0, 0, 0) });
  const bytes = async () => Buffer.from(await doc.save({ useObjectStreams: false }));
  let out = await bytes();
  if (padTo > out.length) {
    // An embedded file of incompressible bytes brings the PDF to the wanted size (benchmarks).
    await doc.attach(crypto.randomBytes(padTo - out.length - 600), 'phu-luc.bin', { mimeType: 'application/octet-stream' });
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

/** Append a hand-written incremental update: `objects` bodies plus an xref listing `entries` (num → offset, or 'here' for the object written). */
export function appendRawUpdate(pdf: Buffer, objects: Array<{ num: number; body: string; listed?: boolean }>, extraEntries: Array<{ num: number; offset: number }> = [], trailerExtra = ''): Buffer {
  const txt = pdf.toString('latin1');
  const prev = Number(txt.slice(txt.lastIndexOf('startxref') + 9).trim().split(/\s+/)[0]);
  const trailer = txt.slice(txt.lastIndexOf('trailer'));
  const size = Number(trailer.match(/\/Size (\d+)/)?.[1] ?? 100);
  const root = trailer.match(/\/Root (\d+ \d+ R)/)![1];
  let body = '\n';
  const entries: Array<{ num: number; offset: number }> = [...extraEntries];
  for (const o of objects) {
    const at = pdf.length + Buffer.byteLength(body, 'latin1');
    body += `${o.num} 0 obj\n${o.body}\nendobj\n`;
    if (o.listed !== false) entries.push({ num: o.num, offset: at });
  }
  const xrefAt = pdf.length + Buffer.byteLength(body, 'latin1');
  body += 'xref\n0 1\n0000000000 65535 f \n';
  for (const e of entries.sort((a, b) => a.num - b.num)) body += `${e.num} 1\n${String(e.offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${Math.max(size, ...entries.map(e => e.num + 1))} /Root ${root} /Prev ${prev}${trailerExtra} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(body, 'latin1')]);
}

/** Sign like other (older) signers do: adbe.pkcs7.detached, optionally without signed attributes. */
export async function signLegacy(pdf: Buffer, cert: { der: Buffer; key: import('node:crypto').KeyObject }, chain: Buffer[], o: { noSignedAttrs?: boolean; now: Date; extraSignedAttrs?: Buffer[] }): Promise<Buffer> {
  const { PDFDocument: Doc } = await import('@cantoo/pdf-lib');
  const { addPlaceholder, fixByteRange } = await import('../../src/signature/seal/placeholder.js');
  const { buildSignedData, schemeFor } = await import('../../src/signature/seal/cms-build.js');
  const doc = await Doc.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  addPlaceholder(doc, { subFilter: 'adbe.pkcs7.detached', signingTime: o.now, contentsBytes: 8192 });
  const out = Buffer.from(await doc.commit({ useObjectStreams: false }));
  const { byteRange, holeStart } = fixByteRange(out, pdf.length);
  const content = Buffer.concat([out.subarray(0, byteRange[1]), out.subarray(byteRange[2])]);
  const cms = await buildSignedData({
    hash: 'sha256', contentDigest: crypto.createHash('sha256').update(content).digest(), signerCert: cert.der, chain,
    scheme: schemeFor(cert.key), signingTime: o.now, noSignedAttrs: o.noSignedAttrs ? content : undefined, extraSignedAttrs: o.extraSignedAttrs,
  });
  out.write(cms.toString('hex'), holeStart + 1, 'latin1');
  return out;
}

/** A one-page document with text fields (pdf-lib draws their appearances): a form to fill after signing. */
export async function formPdf(values: Record<string, string> = { so_van_ban: '12/QD-UBND', ghi_chu: '' }): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('QUYET DINH ve viec phe duyet', { x: 60, y: 760, size: 16, font, color: rgb(0, 0, 0) });
  page.drawText('So tien: 1.000.000 dong', { x: 60, y: 720, size: 12, font });
  const form = doc.getForm();
  let y = 640;
  for (const [name, value] of Object.entries(values)) {
    const f = form.createTextField(name);
    if (value) f.setText(value);
    f.addToPage(page, { x: 60, y, width: 260, height: 22, font });
    y -= 40;
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Fill text fields in an incremental update made with @cantoo/pdf-lib (what a viewer does). */
export async function fillIncrementally(pdf: Buffer, values: Record<string, string>): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { forIncrementalUpdate: true, updateMetadata: false });
  const form = doc.getForm();
  for (const [name, value] of Object.entries(values)) form.getTextField(name).setText(value);
  form.updateFieldAppearances(await doc.embedFont(StandardFonts.Helvetica));
  return Buffer.from(await doc.commit({ useObjectStreams: false }));
}

/** The signed revision a signature covers: the file up to its last ByteRange's end. */
export function signedRevision(pdf: Buffer, nth = 0): Buffer {
  const all = [...pdf.toString('latin1').matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/g)].map(m => Number(m[3]) + Number(m[4]));
  return pdf.subarray(0, all.sort((a, b) => a - b)[nth]);
}
