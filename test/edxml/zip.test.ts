import test from 'ava';
import { deflateRawSync, crc32 } from 'node:zlib';
import { isZip, unzip } from '../../src/edxml/zip.js';
import { buildEnvelope, parseEnvelope } from '../../src/edxml/envelope.js';
import { envelopeAttachments, unpackEnvelopeAttachments } from '../../src/mail/edxml-parts.js';
import { DEFAULT_DECODE_LIMITS } from '../../src/config/schema.js';
import type { LimitCode } from '../../src/domain/limits.js';

/** A ZIP writer for tests (PKWARE APPNOTE §4.3): stored or deflated entries, UTF-8 names. */
function zip(entries: Array<{ name: string; content: Buffer; deflate?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = e.deflate ? deflateRawSync(e.content) : e.content;
    const crc = crc32(e.content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x800, 6); local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(e.content.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x800, 8); central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(e.content.length, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(entries.length, 8); eocd.writeUInt16LE(entries.length, 10); eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const PDF = Buffer.from('%PDF-1.4\n' + 'x'.repeat(500) + '\n%%EOF');

test('unzip stored and deflated entries with Vietnamese names', t => {
  const z = zip([{ name: 'Quyết định.pdf', content: PDF, deflate: true }, { name: 'ghi chú.txt', content: Buffer.from('xin chào') }]);
  t.true(isZip(z));
  const r = unzip(z);
  t.is(r.exceeded, null);
  t.deepEqual(r.entries.map(e => [e.name, e.content.toString('latin1')]), [['Quyết định.pdf', PDF.toString('latin1')], ['ghi chú.txt', Buffer.from('xin chào').toString('latin1')]]);
});

test('damaged or foreign archives give nothing and a problem', t => {
  for (const b of [Buffer.from('PK\x03\x04garbage'), Buffer.alloc(0)]) {
    const r = unzip(b);
    t.deepEqual(r.entries, []);
    t.is(r.exceeded, null);
    t.regex(r.problem ?? '', /damaged ZIP/);
  }
  t.false(isZip(PDF));
});

const MiB = 1024 * 1024;
const zeros = (n: number): Buffer => Buffer.alloc(n);
const small = { ...DEFAULT_DECODE_LIMITS, zipMaxEntries: 5, zipMaxEntryBytes: 4 * MiB, zipMaxTotalBytes: 6 * MiB, zipMaxRatio: 50, zipMaxNesting: 2 };

const LIMIT_CASES: Array<{ name: string; archive: () => Buffer; code: LimitCode | null }> = [
  { name: 'five small entries pass', archive: () => zip(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.txt`, content: Buffer.from(`x${i}`) }))), code: null },
  { name: 'six entries are too many', archive: () => zip(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.txt`, content: Buffer.from(`x${i}`) }))), code: 'ZIP_TOO_MANY_ENTRIES' },
  { name: 'one entry above the entry limit', archive: () => zip([{ name: 'big.bin', content: randomLike(5 * MiB), deflate: true }]), code: 'ZIP_TOO_LARGE' },
  { name: 'entries above the total limit', archive: () => zip([1, 2].map(i => ({ name: `${i}.bin`, content: randomLike(3.5 * MiB), deflate: true }))), code: 'ZIP_TOO_LARGE' },
  { name: 'zeros compress beyond the ratio', archive: () => zip([{ name: 'bomb.pdf', content: zeros(3 * MiB), deflate: true }]), code: 'ZIP_RATIO' },
  { name: 'a ZIP inside a ZIP is opened', archive: () => zip([{ name: 'inner.zip', content: zip([{ name: 'a.pdf', content: PDF }]) }]), code: null },
  { name: 'a ZIP three levels deep is refused', archive: () => zip([{ name: 'l2.zip', content: zip([{ name: 'l3.zip', content: zip([{ name: 'a.pdf', content: PDF }]) }]) }]), code: 'ZIP_NESTING' },
  { name: 'nested entries count against the one budget', archive: () => zip([{ name: 'inner.zip', content: zip(Array.from({ length: 5 }, (_, i) => ({ name: `${i}.txt`, content: Buffer.from('x') }))) }]), code: 'ZIP_TOO_MANY_ENTRIES' },
];

for (const c of LIMIT_CASES) {
  test(`limits: ${c.name}`, t => {
    const r = unzip(c.archive(), small);
    t.is(r.exceeded?.reasonCode ?? null, c.code);
    if (c.code) {
      t.deepEqual(r.entries, []);
      t.truthy(r.exceeded!.reasonVi.normalize('NFC') === r.exceeded!.reasonVi && /[ạ-ỹ]/u.test(r.exceeded!.reasonVi));
    } else t.true(r.entries.length > 0);
  });
}

test('an entry whose header understates its size is cut at the declared size', t => {
  const z = zip([{ name: 'a.bin', content: zeros(2 * MiB), deflate: true }]);
  // Patch the declared uncompressed size (local header +22, central header +24) to 100 bytes.
  z.writeUInt32LE(100, 22);
  z.writeUInt32LE(100, z.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
  const r = unzip(z, small);
  t.is(r.exceeded, null);
  t.is(r.entries[0]!.content.length, 100);
});

/** Bytes that deflate does not shrink much (a cheap deterministic generator). */
function randomLike(n: number): Buffer {
  const b = Buffer.alloc(Math.floor(n));
  let x = 0x12345678;
  for (let i = 0; i < b.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

test('AttachmentEncoded parts, zipped or not, become mail attachments with digests', t => {
  const xml = buildEnvelope({ from: { organId: 'X' }, to: [], codeNumber: '1', codeNotation: 'QĐ-X', promulgationDate: '2019-05-15', typeName: 'Quyết định', subject: 's', documentId: 'd', attachments: [] })
    .replace('</edXML>', `<AttachmentEncoded><Attachment><AttachmentName>a.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${PDF.toString('base64')}</ContentTransferEncoded></Attachment>` +
      `<Attachment><AttachmentName>b.zip</AttachmentName><ContentTransferEncoded>${zip([{ name: 'b.pdf', content: PDF, deflate: true }]).toString('base64')}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`);
  const env = parseEnvelope(xml);
  t.true(env.ok);
  const atts = envelopeAttachments(env);
  t.deepEqual(atts.map(a => [a.filename, a.contentType, a.isPdf, a.size]), [['a.pdf', 'application/pdf', true, PDF.length], ['b.pdf', 'application/pdf', true, PDF.length]]);
  t.is(atts[0]!.sha256, atts[1]!.sha256);
});

test('a zip bomb in AttachmentEncoded is a limit result, not an exception', t => {
  const bomb = zip(Array.from({ length: 3 }, (_, i) => ({ name: `${i}.pdf`, content: zeros(3 * MiB), deflate: true })));
  const xml = buildEnvelope({ from: { organId: 'X' }, to: [], codeNumber: '1', codeNotation: 'QĐ-X', promulgationDate: '2019-05-15', typeName: 'Quyết định', subject: 's', documentId: 'd', attachments: [] })
    .replace('</edXML>', `<AttachmentEncoded><Attachment><AttachmentName>b.zip</AttachmentName><ContentTransferEncoded>${bomb.toString('base64')}</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`);
  const r = unpackEnvelopeAttachments(parseEnvelope(xml), small);
  t.is(r.exceeded?.reasonCode, 'ZIP_RATIO');
  t.deepEqual(r.files, []);
});

test('AttachmentEncoded payloads are read whether plain, prefixed, in CDATA or with character references', t => {
  const b64 = PDF.toString('base64');
  const forms = [
    `<Attachment><AttachmentName>a.pdf</AttachmentName><ContentTransferEncoded>${b64}</ContentTransferEncoded></Attachment>`,
    `<edXML:Attachment><edXML:AttachmentName>b.pdf</edXML:AttachmentName><edXML:ContentTransferEncoded>\n${b64.replace(/.{60}/gu, '$&&#13;\n')}</edXML:ContentTransferEncoded></edXML:Attachment>`,
    `<Attachment><AttachmentName>c.pdf</AttachmentName><ContentTransferEncoded><![CDATA[${b64}]]></ContentTransferEncoded></Attachment>`,
  ];
  const xml = buildEnvelope({ from: { organId: 'X' }, to: [], codeNumber: '1', codeNotation: 'QĐ-X', promulgationDate: '2019-05-15', typeName: 'Quyết định', subject: 's', documentId: 'd', attachments: [] })
    .replace('</edXML>', `<AttachmentEncoded>${forms.join('')}<Attachment><ContentTransferEncoded/></Attachment></AttachmentEncoded></edXML>`);
  const env = parseEnvelope(xml);
  t.deepEqual(env.encodedAttachments.map(a => [a.name ?? null, a.content.equals(PDF)]), [['a.pdf', true], ['b.pdf', true], ['c.pdf', true], [null, false]]);
});
