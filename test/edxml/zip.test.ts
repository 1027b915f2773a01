import test from 'ava';
import { deflateRawSync, crc32 } from 'node:zlib';
import { isZip, unzip } from '../../src/edxml/zip.js';
import { buildEnvelope, parseEnvelope } from '../../src/edxml/envelope.js';
import { envelopeAttachments } from '../../src/mail/edxml-parts.js';

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
  t.deepEqual(unzip(z).map(e => [e.name, e.content.toString('latin1')]), [['Quyết định.pdf', PDF.toString('latin1')], ['ghi chú.txt', Buffer.from('xin chào').toString('latin1')]]);
});

test('damaged or foreign archives give nothing', t => {
  t.deepEqual(unzip(Buffer.from('PK\x03\x04garbage')), []);
  t.deepEqual(unzip(Buffer.alloc(0)), []);
  t.false(isZip(PDF));
});

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
