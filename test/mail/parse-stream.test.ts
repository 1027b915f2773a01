/** Parsing as a stream (src/mail/mime-stream.ts): large parts go to the store as decoded; the mail's budget bounds what is kept or stored. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import test from 'ava';
import { DEFAULT_DECODE_LIMITS } from '../../src/config/schema.js';
import { parseMail, type AttachmentStore } from '../../src/mail/parse.js';
import { bufferSource } from '../../src/mail/source.js';

const MiB = 1024 * 1024;

/** An in-memory store that records what it was given. */
function memoryStore(above: number): AttachmentStore & { blobs: Map<string, Buffer>; received: number } {
  const blobs = new Map<string, Buffer>();
  const s = {
    above,
    blobs,
    received: 0,
    async put(source: Readable) {
      const chunks: Buffer[] = [];
      for await (const c of source) {
        chunks.push(c as Buffer);
        s.received += (c as Buffer).length;
      }
      const b = Buffer.concat(chunks);
      const sha256 = createHash('sha256').update(b).digest('hex');
      blobs.set(sha256, b);
      return { sha256, size: b.length };
    },
    get: async (sha: string) => blobs.get(sha)!,
    has: async (sha: string) => blobs.has(sha),
  };
  return s;
}

function mailWith(parts: Buffer[]): Buffer {
  const body = parts.flatMap((p, i) => ['--BB', `Content-Type: application/octet-stream; name="f${i}.bin"`, 'Content-Disposition: attachment', 'Content-Transfer-Encoding: base64', '', p.toString('base64').replace(/.{76}/gu, '$&\r\n'), '']);
  return Buffer.from(['From: a@example.invalid', 'Subject: parts', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=BB', '', ...body, '--BB--', ''].join('\r\n'));
}

const filled = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) & 0xff));

test('a part above the store size goes to the store and comes back whole; a small one is kept', async t => {
  const big = filled(2 * MiB, 7);
  const small = filled(1000, 3);
  const store = memoryStore(MiB);
  const mail = await parseMail(bufferSource(mailWith([big, small])), { store });
  t.is(store.blobs.size, 1);
  t.deepEqual(mail.attachments.map(a => a.size), [big.length, small.length]);
  t.true(mail.attachments[0]!.content.equals(big));
  t.true(mail.attachments[1]!.content.equals(small));
  t.true(store.blobs.has(mail.attachments[0]!.sha256));
});

test("past the mail's decoded budget nothing more is kept or stored, and the limit is the answer", async t => {
  const store = memoryStore(MiB);
  const limits = { ...DEFAULT_DECODE_LIMITS, mimeMaxDecodedBytes: 3 * MiB };
  const mail = await parseMail(mailWith([filled(2 * MiB, 5), filled(2 * MiB, 11), filled(2 * MiB, 13)]), { store, limits });
  t.is(mail.limitExceeded?.reasonCode, 'MIME_TOO_LARGE');
  t.is(mail.attachments.length, 1, 'the part that crossed the budget is not an attachment');
  t.true(store.received <= 3 * MiB + 512 * 1024, `stored ${store.received} bytes`);
});

test('a boundary found across the slices a large mail is read in', async t => {
  // The final boundary lands on a 256 KiB slice edge: found, so no "not closed" warning.
  const head = mailWith([filled(10, 1)]).toString('latin1').replace('--BB--\r\n', '');
  const pad = 256 * 1024 - ((head.length + 'X-Pad: '.length) % (256 * 1024)) - 3;
  const mail = Buffer.from(head.replace('Subject: parts', `Subject: parts\r\nX-Pad: ${'p'.repeat(pad)}`) + '--BB--\r\n', 'latin1');
  const parsed = await parseMail(bufferSource(mail));
  t.false(parsed.warnings.some(w => /not closed|never appears/u.test(w)), parsed.warnings.join('; '));
  const open = await parseMail(bufferSource(Buffer.from(mail.toString('latin1').replace('--BB--', '--XX--'), 'latin1')));
  t.true(open.warnings.some(w => /not closed/u.test(w)));
});
