import test from 'ava';
import { readFileSync } from 'node:fs';
import { extractPdfText } from '../../src/pdf/text.js';
import { pdfInfo } from '../../src/pdf/info.js';
import { makePdf } from '../fixtures/pdf/make-pdf.js';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/pdf/${n}`, import.meta.url));

test('Vietnamese text comes out NFC, line by line', async t => {
  const r = await extractPdfText(fixture('qd-12-ubnd.pdf'));
  if ('error' in r) return t.fail(r.error);
  t.is(r.pages, 2);
  for (const line of ['ỦY BAN NHÂN DÂN', 'Số: 12/QĐ-UBND', 'Vĩnh Long, ngày 15 tháng 5 năm 2019', 'QUYẾT ĐỊNH', 'KT. CHỦ TỊCH', 'Nguyễn Văn An']) {
    t.true(r.text.split('\n').includes(line), line);
  }
  t.is(r.text, r.text.normalize('NFC'));
});

test('maxPages reads the first pages and the last one', async t => {
  const pdf = await makePdf([['trang một'], ['trang hai'], ['trang ba'], ['trang bốn']]);
  const r = await extractPdfText(pdf, { maxPages: 1 });
  if ('error' in r) return t.fail(r.error);
  t.is(r.pages, 4);
  t.true(r.text.includes('trang một'));
  t.false(r.text.includes('trang hai'));
  t.true(r.text.includes('trang bốn'));
});

test('pdfInfo: pages and signature fields', async t => {
  t.deepEqual(await pdfInfo(fixture('qd-12-ubnd.pdf')), { pages: 2, signatureFields: 1, encrypted: false });
  t.deepEqual(await pdfInfo(fixture('cd-15-hoa-toc.pdf')), { pages: 1, signatureFields: 0, encrypted: false });
});

const broken: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['not a PDF', Buffer.from('hello world')],
  ['truncated', fixture('qd-12-ubnd.pdf').subarray(0, 400)],
  ['header only', Buffer.from('%PDF-1.7\n%%EOF')],
];
for (const [name, buf] of broken) {
  test(`never throws on ${name}`, async t => {
    const r = await extractPdfText(buf);
    t.true('error' in r || typeof r.text === 'string');
    const info = await pdfInfo(buf);
    t.is(typeof info.signatureFields, 'number');
    if (name !== 'truncated') t.truthy(info.error);
  });
}

test('raw /ByteRange tokens count when there is no readable AcroForm', async t => {
  const raw = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Sig /ByteRange [0 10 20 30] /Contents <00> >> endobj\n%%EOF');
  const info = await pdfInfo(raw);
  t.is(info.signatureFields, 1);
});
