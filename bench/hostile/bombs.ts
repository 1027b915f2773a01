/**
 * Builders for hostile inputs (docs/hostile-input.md §Benchmark): compression bombs in PDFs and in
 * edXML AttachmentEncoded ZIPs, a valid PDF followed by junk, and raw mails carrying them. Made in
 * memory from a few KiB of repeated deflate blocks, so a 500 MB bomb costs no 500 MB to build.
 * Reused by the unit tests, the hostile benchmark, and the real-intake benchmark.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { buildEnvelope } from '../../src/edxml/envelope.js';

const MiB = 1024 * 1024;

let zeroBlock: Buffer | undefined;

/** Raw deflate data that inflates to `n` zero bytes (repeated full-flush blocks of 1 MiB, then a final empty block). */
export function zerosDeflateRaw(n: number): Buffer {
  zeroBlock ??= deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const whole = Math.floor(n / MiB);
  const rest = n - whole * MiB;
  const parts: Buffer[] = new Array<Buffer>(whole).fill(zeroBlock);
  if (rest > 0) parts.push(deflateRawSync(Buffer.alloc(rest), { level: 9, finishFlush: constants.Z_FULL_FLUSH }));
  // BFINAL=1, BTYPE=01 (fixed Huffman), end-of-block: a final empty block (RFC 1951 §3.2.6).
  parts.push(Buffer.from([0x03, 0x00]));
  return Buffer.concat(parts);
}

/** A zlib stream (RFC 1950) that inflates to `n` zero bytes, with its correct Adler-32. */
export function zerosZlib(n: number): Buffer {
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((n % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), zerosDeflateRaw(n), adler]);
}

/**
 * A minimal one-page PDF (ISO 32000-1 §7.5: header, objects, xref, trailer) whose page content is
 * `content`, with `/Filter` when given. `junk` bytes follow %%EOF.
 */
export function minimalPdf(content: Buffer, opts: { filter?: string; text?: string; junk?: number } = {}): Buffer {
  const text = opts.text ?? 'QUYET DINH';
  const page = content.length > 0 ? content : Buffer.from(`BT /F1 12 Tf 72 720 Td (${text}) Tj ET`, 'latin1');
  const objs: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'),
    Buffer.concat([Buffer.from(`<< /Length ${page.length}${opts.filter ? ` /Filter /${opts.filter}` : ''} >>\nstream\n`), page, Buffer.from('\nendstream')]),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objs.forEach((o, i) => {
    const b = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), o, Buffer.from('\nendobj\n')]);
    offsets.push(at);
    parts.push(b);
    at += b.length;
  });
  const xref = [`xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`, ...offsets.map(o => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  if (opts.junk) parts.push(junkBytes(opts.junk));
  return Buffer.concat(parts);
}

/** A PDF whose one content stream is a flate bomb inflating to `decodedBytes` zeros. */
export function pdfFlateBomb(decodedBytes: number): Buffer {
  return minimalPdf(zerosZlib(decodedBytes), { filter: 'FlateDecode' });
}

/** Deterministic incompressible-looking bytes (xorshift), for junk and padding. */
export function junkBytes(n: number, seed = 0x9e3779b9): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

export type ZipSpec = { name: string; size: number; deflated: Buffer } | { name: string; stored: Buffer };

/** A ZIP archive (PKWARE APPNOTE §4.3) of deflated zero-filled or stored entries; CRCs are left 0 (readers of bombs do not get that far). */
export function zipArchive(entries: ZipSpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = 'stored' in e ? e.stored : e.deflated;
    const size = 'stored' in e ? e.stored.length : e.size;
    const method = 'stored' in e ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x800, 6); local.writeUInt16LE(method, 8);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x800, 8); central.writeUInt16LE(method, 10);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(entries.length, 8); eocd.writeUInt16LE(entries.length, 10); eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** A zip bomb: `entries` entries of `entryBytes` zeros each (a "wide" bomb), optionally wrapped `nest` times in further ZIPs. */
export function zipBomb(opts: { entries: number; entryBytes: number; nest?: number }): Buffer {
  const deflated = zerosDeflateRaw(opts.entryBytes);
  let z = zipArchive(Array.from({ length: opts.entries }, (_, i) => ({ name: `tep-${i + 1}.pdf`, size: opts.entryBytes, deflated })));
  for (let i = 0; i < (opts.nest ?? 0); i++) z = zipArchive([{ name: `lop-${i + 1}.zip`, stored: z }]);
  return z;
}

/** An edXML envelope (QCVN 102:2016, built by our own builder) whose AttachmentEncoded part carries `files` (base64). */
export function envelopeWithEncoded(files: Array<{ name: string; content: Buffer; contentType?: string }>): string {
  const atts = files
    .map(f => `<Attachment><AttachmentName>${f.name}</AttachmentName><ContentType>${f.contentType ?? 'application/zip'}</ContentType><ContentTransferEncoded>${f.content.toString('base64')}</ContentTransferEncoded></Attachment>`)
    .join('');
  const xml = buildEnvelope({
    from: { organId: '000.00.01.H62', organName: 'UBND tỉnh Vĩnh Long' }, to: [{ organId: '000.00.31.H62' }], codeNumber: '12', codeNotation: 'QĐ-UBND',
    promulgationDate: '2019-05-15', typeName: 'Quyết định', subject: 'Về việc thử nghiệm', documentId: '000.00.01.H62,2019/05/15,12/QĐ-UBND', attachments: [],
  });
  return xml.replace('</edXML>', `<AttachmentEncoded>${atts}</AttachmentEncoded></edXML>`);
}

/** A raw RFC 5322 mail (multipart/mixed, base64 parts) from a peer agency, carrying `attachments`. */
export function documentMail(opts: { subject?: string; text?: string; attachments: Array<{ filename: string; contentType: string; content: Buffer }>; messageId?: string }): Buffer {
  const b = 'bomb-boundary-7f3a';
  const head = [
    'From: Van thu UBND <vanthu@ubnd.vinhlong.test>',
    'To: vanthu@soyte.vinhlong.test',
    `Subject: =?UTF-8?B?${Buffer.from(opts.subject ?? 'Quyết định số 12/QĐ-UBND ngày 15/5/2019 về việc thử nghiệm').toString('base64')}?=`,
    `Message-ID: ${opts.messageId ?? '<hostile-1@ubnd.vinhlong.test>'}`,
    'Date: Wed, 15 May 2019 09:00:00 +0700',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
  ];
  const parts = [
    `--${b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${opts.text ?? 'Kính gửi Sở Y tế, gửi văn bản kèm theo.'}\r\n`,
    ...opts.attachments.map(
      a => `--${b}\r\nContent-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: attachment; filename="${a.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${a.content.toString('base64').replace(/.{76}/gu, '$&\r\n')}\r\n`,
    ),
  ];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), Buffer.from(parts.join('')), Buffer.from(`--${b}--\r\n`)]);
}

/** One hostile input of the benchmark: a name and how to build its raw mail. */
export type HostileInput = { name: string; build(): Buffer | Promise<Buffer> };

/** The bombs of docs/hostile-input.md §Benchmark; `validPdf` is a real signed-looking document for the junk case. */
export function hostileInputs(validPdf: () => Promise<Buffer>): HostileInput[] {
  return [
    {
      name: '12 PDFs, each a 500 MB flate bomb',
      build: () => documentMail({ attachments: Array.from({ length: 12 }, (_, i) => ({ filename: `van-ban-${i + 1}.pdf`, contentType: 'application/pdf', content: pdfFlateBomb(500 * MiB) })) }),
    },
    { name: '700 KB PDF flate bomb (~700 MB)', build: () => documentMail({ attachments: [{ filename: 'van-ban.pdf', contentType: 'application/pdf', content: pdfFlateBomb(700 * MiB) }] }) },
    {
      name: 'edXML zip bomb: 80 entries × 100 MB',
      build: () => documentMail({ attachments: [{ filename: 'vanban.edxml', contentType: 'application/xml', content: Buffer.from(envelopeWithEncoded([{ name: 'vanban.zip', content: zipBomb({ entries: 80, entryBytes: 100 * MiB }) }])) }] }),
    },
    {
      name: 'edXML zip bomb: 60 entries × 60 MB (under the entry count)',
      build: () => documentMail({ attachments: [{ filename: 'vanban.edxml', contentType: 'application/xml', content: Buffer.from(envelopeWithEncoded([{ name: 'vanban.zip', content: zipBomb({ entries: 60, entryBytes: 60 * MiB }) }])) }] }),
    },
    {
      name: 'edXML zip bomb nested 3 deep',
      build: () => documentMail({ attachments: [{ filename: 'vanban.edxml', contentType: 'application/xml', content: Buffer.from(envelopeWithEncoded([{ name: 'vanban.zip', content: zipBomb({ entries: 10, entryBytes: 50 * MiB, nest: 3 }) }])) }] }),
    },
    {
      name: 'valid PDF followed by 60 MB of junk',
      build: async () => documentMail({ attachments: [{ filename: 'van-ban.pdf', contentType: 'application/pdf', content: Buffer.concat([await validPdf(), junkBytes(60 * MiB)]) }] }),
    },
  ];
}
