import test from 'ava';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { extractPdfText } from '../../src/pdf/text.js';
import { extractPdfTextInRanges, RANGE_CHUNK, type RangeRead } from '../../src/pdf/text-ranged.js';
import { makePdf } from '../fixtures/pdf/make-pdf.js';

const fixture = (n: string) => readFileSync(new URL(`../fixtures/pdf/${n}`, import.meta.url));

/** A reader over `pdf` that counts the bytes it hands out. */
function counted(pdf: Buffer): { read: RangeRead; bytes: () => number } {
  let bytes = 0;
  return {
    read: async (begin, end) => {
      bytes += end - begin;
      return Uint8Array.prototype.slice.call(pdf, begin, end);
    },
    bytes: () => bytes,
  };
}

test('read in ranges, the text and page count are those of the whole-file reader', async t => {
  for (const pdf of [fixture('qd-12-ubnd.pdf'), await makePdf([['trang một'], ['trang hai'], ['trang ba'], ['trang bốn']])]) {
    const whole = await extractPdfText(pdf, { maxPages: 1 });
    const ranged = await extractPdfTextInRanges(counted(pdf).read, pdf.length, { maxPages: 1 });
    t.deepEqual(ranged, whole);
    t.false('error' in ranged);
  }
});

test('a large PDF: only the chunks holding the xref, page tree and pages are read', async t => {
  // A 6 MB image stream the text pass never needs, as in a scanned document.
  const doc = await PDFDocument.load(fixture('qd-12-ubnd.pdf'));
  const filler = Buffer.alloc(6 * 1024 * 1024, 7);
  doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
  const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
  const reader = counted(pdf);
  const r = await extractPdfTextInRanges(reader.read, pdf.length, { maxPages: 3 });
  if ('error' in r) return t.fail(r.error);
  t.true(r.text.includes('Số: 12/QĐ-UBND'));
  t.is(r.pages, 2);
  t.true(reader.bytes() <= 8 * RANGE_CHUNK, `${reader.bytes()} bytes read of ${pdf.length}`);
});

test('a failing read gives an error, not a hang or a throw', async t => {
  const pdf = fixture('qd-12-ubnd.pdf');
  const r = await extractPdfTextInRanges(async () => { throw new Error('disk gone'); }, pdf.length);
  t.true('error' in r && r.error.includes('disk gone'));
});

test('not a PDF: an error', async t => {
  const junk = Buffer.alloc(200_000, 0x41);
  const r = await extractPdfTextInRanges(counted(junk).read, junk.length);
  t.true('error' in r);
});
