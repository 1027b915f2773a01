import test from 'ava';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { DEFAULT_DECODE_LIMITS } from '../../src/config/schema.js';
import type { LimitCode } from '../../src/domain/limits.js';
import { pdfInfo } from '../../src/pdf/info.js';
import { checkPdfStreams, filtersOf } from '../../src/pdf/stream-budget.js';
import { extractPdfText } from '../../src/pdf/text.js';
import { junkBytes, minimalPdf, pdfFlateBomb, zerosZlib } from '../../bench/hostile/bombs.js';

const MiB = 1024 * 1024;
const fixture = (n: string) => readFileSync(new URL(`../fixtures/pdf/${n}`, import.meta.url));
const limits = { ...DEFAULT_DECODE_LIMITS, pdfMaxStreamBytes: 4 * MiB, pdfMaxDecodedBytes: 10 * MiB, pdfMaxRatio: 50, pdfMaxStreams: 20 };

/** LZW (ISO 32000-1 §7.4.4, EarlyChange 1) of `n` zero bytes: codes 0, 258, 259, … each one byte longer. */
function lzwZeros(n: number): Buffer {
  const codes: number[] = [256];
  let left = n;
  let next = 258;
  let len = 1;
  codes.push(0);
  left -= 1;
  while (left > 0) {
    if (next === 4094) { codes.push(256); next = 258; len = 1; codes.push(0); left -= 1; continue; }
    const take = Math.min(len + 1, left);
    if (take !== len + 1) break;
    codes.push(next++);
    len++;
    left -= take;
  }
  codes.push(257);
  let bits = '';
  let width = 9;
  let table = 258;
  for (const c of codes) {
    bits += c.toString(2).padStart(width, '0');
    if (c === 256) { width = 9; table = 258; continue; }
    if (c !== 257 && c !== codes[1] || table > 258) table++;
    if (table + 1 >= 1 << width && width < 12) width++;
  }
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(i * 8, i * 8 + 8).padEnd(8, '0'), 2);
  return out;
}

const CASES: Array<{ name: string; pdf: () => Buffer; code: LimitCode | null }> = [
  { name: 'a real document', pdf: () => fixture('qd-12-ubnd.pdf'), code: null },
  { name: 'a small flate stream', pdf: () => minimalPdf(deflateSync(Buffer.from('BT /F1 12 Tf 72 720 Td (Hello) Tj ET')), { filter: 'FlateDecode' }), code: null },
  { name: 'a flate bomb above the stream limit', pdf: () => pdfFlateBomb(64 * MiB), code: 'PDF_STREAM_TOO_LARGE' },
  { name: 'a 3 MiB flate bomb: below the stream limit and the ratio floor', pdf: () => pdfFlateBomb(3 * MiB), code: null },
  { name: 'chained flate (a bomb inside a bomb)', pdf: () => minimalPdf(deflateSync(zerosZlib(64 * MiB)), { filter: 'FlateDecode' }).toString('latin1').replace('/Filter /FlateDecode', '/Filter [/FlateDecode /FlateDecode]') as unknown as Buffer, code: 'PDF_STREAM_TOO_LARGE' },
  { name: 'many streams adding up past the total', pdf: () => manyStreams(4, 3 * MiB), code: 'PDF_TOO_LARGE' },
  { name: 'more streams than allowed', pdf: () => manyStreams(21, 10), code: 'PDF_TOO_MANY_STREAMS' },
  { name: 'an LZW bomb', pdf: () => minimalPdf(lzwZeros(6 * MiB), { filter: 'LZWDecode' }), code: 'PDF_STREAM_TOO_LARGE' },
  { name: 'a valid PDF followed by junk', pdf: () => Buffer.concat([fixture('qd-12-ubnd.pdf'), junkBytes(2 * MiB)]), code: null },
];

for (const c of CASES) {
  test(`checkPdfStreams: ${c.name}`, t => {
    const raw = c.pdf();
    const r = checkPdfStreams(typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw, limits);
    t.is(r.ok ? null : r.exceeded.reasonCode, c.code);
  });
}

test('the ratio counts only above its floor: 9 MiB of zeros at ratio ~1000 is refused with a higher stream limit', t => {
  const r = checkPdfStreams(pdfFlateBomb(9 * MiB), { ...limits, pdfMaxStreamBytes: 16 * MiB, pdfMaxDecodedBytes: 64 * MiB });
  t.is(r.ok ? null : r.exceeded.reasonCode, 'PDF_RATIO');
});

test('filter names: one, an array, none', t => {
  t.deepEqual(filtersOf('<< /Length 5 /Filter /FlateDecode >>'), ['FlateDecode']);
  t.deepEqual(filtersOf('<< /Filter [/ASCII85Decode /FlateDecode] /Length 9 >>'), ['ASCII85Decode', 'FlateDecode']);
  t.deepEqual(filtersOf('<< /Length 5 >>'), []);
});

test('extractPdfText and pdfInfo give the limit as data for a bomb, and read a real PDF', async t => {
  const bomb = pdfFlateBomb(40 * MiB);
  const text = await extractPdfText(bomb);
  t.true('error' in text && text.exceeded?.reasonCode === 'PDF_STREAM_TOO_LARGE');
  const info = await pdfInfo(bomb);
  t.is(info.pages, null);
  t.is(info.exceeded?.reasonCode, 'PDF_STREAM_TOO_LARGE');
  const ok = await extractPdfText(fixture('qd-12-ubnd.pdf'));
  t.true('text' in ok);
});

/** A PDF with `n` extra flate streams of `bytes` zeros each, as unreferenced objects. */
function manyStreams(n: number, bytes: number): Buffer {
  const base = minimalPdf(Buffer.alloc(0)).toString('latin1');
  const extra = Array.from({ length: n }, (_, i) => {
    const z = zerosZlib(bytes);
    return `${100 + i} 0 obj\n<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n${z.toString('latin1')}\nendstream\nendobj\n`;
  }).join('');
  return Buffer.from(base.replace('xref', `${extra}xref`), 'latin1');
}
