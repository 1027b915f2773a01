import test from 'ava';
import { sanitizeFilename, MAX_FILENAME_CHARS } from '../../src/mail/filename.js';
import { unwrapSignedData } from '../../src/mail/smime.js';

const names: Array<[string | null, string]> = [
  ['Quyết định 12.pdf', 'Quyết định 12.pdf'],
  ['Quyết định 12.pdf'.normalize('NFD'), 'Quyết định 12.pdf'],
  ['../../etc/passwd', 'passwd'],
  ['C:\\Users\\x\\vanban.pdf', 'vanban.pdf'],
  ['.htaccess', 'htaccess'],
  ['...', 'attachment'],
  ['a\u0000b\u0007c.pdf', 'abc.pdf'],
  ['evil\u202Efdp.exe', 'evilfdp.exe'],
  ['a:b*c?.pdf', 'a_b_c_.pdf'],
  ['  spaced   name .pdf  ', 'spaced name .pdf'],
  ['', 'attachment'],
  [null, 'attachment'],
];
for (const [input, out] of names) test(`sanitize ${JSON.stringify(input)}`, t => t.is(sanitizeFilename(input), out));

test('long names are cut, keeping the extension', t => {
  const s = sanitizeFilename('Văn bản '.repeat(80) + '.pdf');
  t.true(s.length <= MAX_FILENAME_CHARS);
  t.true(s.endsWith('.pdf'));
  t.true(s.startsWith('Văn bản'));
});

// CMS SignedData: DER and BER (indefinite lengths, segmented OCTET STRING).
const hex = (h: string) => Buffer.from(h.replace(/\s+/gu, ''), 'hex');
function der(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const OID_SD = der(0x06, hex('2a864886f70d010702'));
const OID_DATA = der(0x06, hex('2a864886f70d010701'));
const inner = Buffer.from('Content-Type: text/plain\r\n\r\nXin chào');

function signedDer(content: Buffer): Buffer {
  const encap = der(0x30, Buffer.concat([OID_DATA, der(0xa0, der(0x04, content))]));
  const sd = der(0x30, Buffer.concat([der(0x02, Buffer.from([1])), der(0x31, Buffer.alloc(0)), encap, der(0x31, Buffer.alloc(0))]));
  return der(0x30, Buffer.concat([OID_SD, der(0xa0, sd)]));
}
function signedBer(parts: Buffer[]): Buffer {
  const indef = (tag: number, ...kids: Buffer[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...kids, Buffer.from([0, 0])]);
  const octets = indef(0x24, ...parts.map(p => der(0x04, p)));
  const encap = indef(0x30, OID_DATA, indef(0xa0, octets));
  const sd = indef(0x30, der(0x02, Buffer.from([1])), der(0x31, Buffer.alloc(0)), encap, der(0x31, Buffer.alloc(0)));
  return indef(0x30, OID_SD, indef(0xa0, sd));
}

test('unwrap DER signed-data', t => t.deepEqual(unwrapSignedData(signedDer(inner)), inner));
test('unwrap BER signed-data with a segmented OCTET STRING', t => t.deepEqual(unwrapSignedData(signedBer([inner.subarray(0, 10), inner.subarray(10)])), inner));
test('unwrap base64 text', t => t.deepEqual(unwrapSignedData(Buffer.from(signedDer(inner).toString('base64').replace(/(.{64})/gu, '$1\n'))), inner));

const notSigned: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['garbage', Buffer.from('hello')],
  ['truncated', signedDer(inner).subarray(0, 20)],
  ['enveloped-data OID', Buffer.concat([der(0x30, Buffer.concat([der(0x06, hex('2a864886f70d010703')), der(0xa0, der(0x30, Buffer.alloc(0)))]))])],
  ['huge length', hex('30 84 ff ff ff ff 00')],
];
for (const [name, b] of notSigned) test(`unwrap returns null: ${name}`, t => t.is(unwrapSignedData(b), null));
