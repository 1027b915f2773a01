import test from 'ava';
import { createHash } from 'node:crypto';
import { parseMail, hasPdfMagic } from '../../src/mail/parse.js';
import { isBridgeError } from '../../src/errors.js';
import { compose, eml, encode1258 } from './helpers.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

test('addresses, ids with angle brackets, decoded NFC headers', async t => {
  const raw = await compose({
    from: '"Văn thư UBND" <VanThu@VinhLong.gov.vn>',
    to: ['a@x.vn', '"Bình" <b@x.vn>'],
    cc: 'c@x.vn',
    replyTo: 'r@x.vn',
    subject: 'Quyết định số 12'.normalize('NFD'),
    messageId: '<m1@x.vn>',
    inReplyTo: 'bare-id@x.vn',
    references: ['<r1@x.vn>', '<r2@x.vn>'],
    headers: { 'X-Note': 'Ghi chú tiếng Việt' },
    text: 'Nội dung'.normalize('NFD'),
  });
  const m = await parseMail(raw);
  t.deepEqual(m.from, { address: 'vanthu@vinhlong.gov.vn', name: 'Văn thư UBND' });
  t.deepEqual(m.to.map(a => a.address), ['a@x.vn', 'b@x.vn']);
  t.deepEqual(m.cc.map(a => a.address), ['c@x.vn']);
  t.deepEqual(m.replyTo.map(a => a.address), ['r@x.vn']);
  t.is(m.messageId, '<m1@x.vn>');
  t.is(m.inReplyTo, '<bare-id@x.vn>');
  t.deepEqual(m.references, ['<r1@x.vn>', '<r2@x.vn>']);
  t.is(m.subject, 'Quyết định số 12'.normalize('NFC'));
  t.is(m.text.trim(), 'Nội dung'.normalize('NFC'));
  t.deepEqual(m.headers['x-note'], ['Ghi chú tiếng Việt']);
  t.deepEqual(m.headers['subject'], ['Quyết định số 12'.normalize('NFC')]);
  t.deepEqual(m.date, new Date('2019-05-15T03:00:00Z'));
});

test('PDFs found whatever the declared type or disposition', async t => {
  const raw = await compose({
    from: 'a@x.vn',
    to: 'b@x.vn',
    subject: 'x',
    text: 'x',
    attachments: [
      { filename: 'a.pdf', content: PDF, contentType: 'application/pdf' },
      { filename: 'noext', content: PDF, contentType: 'application/octet-stream' },
      { filename: 'inline.pdf', content: PDF, contentType: 'application/pdf', contentDisposition: 'inline' },
      { filename: 'notes.txt', content: 'không phải PDF', contentType: 'text/plain', contentDisposition: 'attachment' },
    ],
  });
  const m = await parseMail(raw);
  t.deepEqual(
    m.attachments.map(a => [a.filename, a.contentType, a.isPdf, a.inline]),
    [
      ['a.pdf', 'application/pdf', true, false],
      ['noext', 'application/pdf', true, false],
      ['inline.pdf', 'application/pdf', true, true],
      ['notes.txt', 'text/plain', false, false],
    ],
  );
  t.is(m.attachments[0]!.sha256, createHash('sha256').update(PDF).digest('hex'));
  t.is(m.attachments[0]!.size, PDF.length);
  t.true(hasPdfMagic(Buffer.concat([Buffer.from('junk\n'), PDF])));
  t.false(hasPdfMagic(Buffer.from('PDF')));
});

test('forwarded message/rfc822: the .eml is an attachment and its PDF is flagged forwarded', async t => {
  const m = await parseMail(eml('doc-forwarded-rfc822.eml'));
  t.deepEqual(
    m.attachments.map(a => [a.filename, a.contentType, a.isPdf, a.forwarded]),
    [
      ['Công văn 05.eml', 'message/rfc822', false, false],
      ['cv-05-snv.pdf', 'application/pdf', true, true],
    ],
  );
});

test('windows-1258 subject, sender name and body', async t => {
  const m = await parseMail(eml('doc-windows-1258.eml'));
  t.is(m.subject, 'Công văn 07/UBND-VX về việc triển khai tiêm chủng mở rộng');
  t.is(m.from?.name, 'Văn thư huyện Long Hồ');
  t.true(m.text.includes('Ủy ban nhân dân huyện Long Hồ gửi Công văn số 07/UBND-VX'));
  t.is(m.text, m.text.normalize('NFC'));
  t.true(m.attachments[0]!.inline);
});

test('RFC 2231 continued Vietnamese file name', async t => {
  const m = await parseMail(eml('doc-rfc2231-filename.eml'));
  t.is(m.attachments[0]!.filename, 'Thông báo 09-TB-SNV kết luận giao ban tháng 7.pdf');
});

test('RFC 2047 inside a quoted filename parameter (invalid but common) is decoded', async t => {
  const raw = Buffer.from(
    [
      'From: a@x.vn', 'To: b@x.vn', 'Subject: x', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="q"', '',
      '--q', 'Content-Type: text/plain', '', 'x',
      '--q', `Content-Type: application/pdf; name="=?UTF-8?B?${Buffer.from('Quyết định.pdf').toString('base64')}?="`,
      `Content-Disposition: attachment; filename="=?UTF-8?B?${Buffer.from('Quyết định.pdf').toString('base64')}?="`,
      'Content-Transfer-Encoding: base64', '', PDF.toString('base64'), '--q--', '',
    ].join('\r\n'),
  );
  const m = await parseMail(raw);
  t.is(m.attachments[0]!.filename, 'Quyết định.pdf');
});

test('S/MIME opaque signed-data is unwrapped; the wrapper is replaced by the inner attachments', async t => {
  const m = await parseMail(eml('doc-smime-opaque.eml'));
  t.deepEqual(m.attachments.map(a => [a.filename, a.isPdf]), [['qd-12-ubnd.pdf', true]]);
  t.true(m.text.includes('Quyết định 12/QĐ-UBND'));
  t.true(m.warnings.some(w => w.includes('S/MIME')));
});

test('hostile file names are sanitised', async t => {
  const m = await parseMail(eml('hostile-filenames.eml'));
  const names = m.attachments.map(a => a.filename);
  t.is(names[0], 'passwd');
  t.true(names[1]!.length <= 120);
  t.true(names[1]!.endsWith('.pdf'));
  t.true(names[1]!.startsWith('Quyết định rất dài'));
  t.is(names[2], 'hidden.pdf');
  for (const n of names) t.false(/[/\\\p{Cc}\p{Cf}]/u.test(n) || n.startsWith('.'), n);
});

test('empty input and unreadable bytes throw MAIL_UNPARSEABLE', async t => {
  for (const raw of [Buffer.alloc(0), Buffer.from([0, 0, 0, 1, 2, 3, 0xff, 0xfe])]) {
    const err = await t.throwsAsync(parseMail(raw));
    t.true(isBridgeError(err, 'MAIL_UNPARSEABLE'));
  }
});

const survivable: Array<[string, Buffer, RegExp | null]> = [
  ['header only', eml('hostile-header-only.eml'), null],
  ['NUL bytes', eml('hostile-nul.eml'), /NUL/u],
  ['broken boundary', eml('hostile-broken-boundary.eml'), /not closed/u],
  ['plain text without headers', Buffer.from('chỉ là một dòng chữ'), /no header fields/u],
  ['boundary missing', Buffer.from('Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody'), /without boundary/u],
  ['boundary never used', Buffer.from('Subject: x\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nbody'), /never appears/u],
  ['bad date', Buffer.from('Subject: x\r\nDate: not a date\r\n\r\nbody'), /Date/u],
  ['truncated base64', Buffer.from('Subject: x\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLj\r\n'), null],
];
for (const [name, raw, warning] of survivable) {
  test(`survives ${name}`, async t => {
    const m = await parseMail(raw);
    t.is(typeof m.subject, 'string');
    if (warning) t.true(m.warnings.some(w => warning.test(w)), m.warnings.join(' | '));
  });
}

test('maxAttachments caps the list with a warning', async t => {
  const raw = await compose({ from: 'a@x.vn', to: 'b@x.vn', subject: 'x', text: 'x', attachments: Array.from({ length: 5 }, (_, i) => ({ filename: `${i}.pdf`, content: PDF })) });
  const m = await parseMail(raw, { maxAttachments: 2 });
  t.is(m.attachments.length, 2);
  t.true(m.warnings.some(w => w.includes('too many attachments')));
});

test('report parts are separated from attachments', async t => {
  const m = await parseMail(eml('dsn-postfix-5.1.1.eml'));
  t.deepEqual(m.reportParts.map(p => p.contentType), ['message/delivery-status', 'text/rfc822-headers']);
  t.deepEqual(m.attachments, []);
});

test('raw 8-bit UTF-8 header values (RFC 6532) are decoded', async t => {
  const m = await parseMail(Buffer.from('From: "Văn thư" <a@b.vn>\r\nSubject: Quyết định số 12\r\nX-Raw: Tiếng Việt\r\n\r\nNội dung\r\n', 'utf8'));
  t.is(m.subject, 'Quyết định số 12');
  t.deepEqual(m.headers['x-raw'], ['Tiếng Việt']);
  t.is(m.from?.name, 'Văn thư');
});

test('a header block mailparser refuses falls back to a plain split, with a warning', async t => {
  const big = Buffer.concat([Buffer.from('Subject: lớn\r\nMessage-ID: <big@x.vn>\r\nX-Big: '), Buffer.alloc(3 * 1024 * 1024, 0x61), Buffer.from('\r\n\r\nbody\r\n')]);
  const m = await parseMail(big);
  t.is(m.subject, 'lớn');
  t.is(m.messageId, '<big@x.vn>');
  t.is(m.text.trim(), 'body');
  t.true(m.warnings.some(w => w.startsWith('MIME parser failed')));
});

test('windows-1258 file names, RFC 2231 and RFC 2047', async t => {
  const name = encode1258('Quyết định số 12.pdf');
  const pct = [...name].map(b => (/[0-9A-Za-z.]/u.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
  const mime = (disposition: string) =>
    Buffer.from(['From: a@x.vn', 'Subject: x', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="q"', '', '--q', 'Content-Type: text/plain', '', 'x', '--q',
      'Content-Type: application/pdf', `Content-Disposition: attachment; ${disposition}`, 'Content-Transfer-Encoding: base64', '', PDF.toString('base64'), '--q--', ''].join('\r\n'));
  t.is((await parseMail(mime(`filename*=windows-1258''${pct}`))).attachments[0]!.filename, 'Quyết định số 12.pdf');
  t.is((await parseMail(mime(`filename="=?windows-1258?B?${name.toString('base64')}?="`))).attachments[0]!.filename, 'Quyết định số 12.pdf');
});

test('a CAdES .pdf.p7m attachment yields the PDF inside; TNEF is flagged', async t => {
  const der = (tag: number, body: Buffer): Buffer => {
    const n = body.length;
    const len = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), len, body]);
  };
  const oid = (h: string) => der(0x06, Buffer.from(h, 'hex'));
  const encap = der(0x30, Buffer.concat([oid('2a864886f70d010701'), der(0xa0, der(0x04, PDF))]));
  const p7m = der(0x30, Buffer.concat([oid('2a864886f70d010702'), der(0xa0, der(0x30, Buffer.concat([der(0x02, Buffer.from([1])), der(0x31, Buffer.alloc(0)), encap, der(0x31, Buffer.alloc(0))])))]));
  const raw = await compose({
    from: 'a@x.vn', to: 'b@x.vn', subject: 'x', text: 'x',
    attachments: [
      { filename: 'Quyết định 12.pdf.p7m', content: p7m, contentType: 'application/pkcs7-mime' },
      { filename: 'winmail.dat', content: Buffer.from([0x78, 0x9f, 0x3e, 0x22]), contentType: 'application/ms-tnef' },
    ],
  });
  const m = await parseMail(raw);
  t.deepEqual(m.attachments.map(a => [a.filename, a.isPdf]), [['Quyết định 12.pdf', true], ['winmail.dat', false]]);
  t.true(m.attachments[0]!.content.equals(PDF));
  t.true(m.warnings.some(w => w.startsWith('TNEF')));
});
