/**
 * Where the memory of one large mail's preparation goes (bench/big-mail.ts measures the whole
 * intake): the largest mail in a maildir (MAIL_FILE, or the first file over 10 MB under
 * MAILSRV_DIR's mail root) is stored in a scratch blob store and prepared in this thread, its rss,
 * heap and ArrayBuffers sampled every 5 ms and marked at each stage. One JSON line per stage: the
 * peak rss (MB) since the previous mark, and the figures at that peak.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareMail } from '../src/inbound/prepare.js';
import { signatureVerifier } from '../src/inbound/signature-verifier.js';
import { extractPdfText } from '../src/pdf/text.js';
import { documentPdf } from '../test/helpers/documents.js';
import { BlobStore } from '../src/store/blob-store.js';
import { releaseGarbage } from '../src/store/release-garbage.js';

function findBig(dir: string): string | null {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { const f = findBig(p); if (f) return f; } else if (statSync(p).size > 10 * 1024 * 1024) return p;
  }
  return null;
}
const file = process.env.MAIL_FILE ?? findBig(path.join(process.env.MAILSRV_DIR ?? '/tmp/edoc-mailsrv', 'mail'));
if (!file) throw new Error('no mail over 10 MB: run `bench/big-mail.ts inject` first');
const scratch = await mkdtemp(path.join(tmpdir(), 'edoc-bigprof-'));
const mb = (n: number) => Math.round(n / 1048576);
type Sample = { rss: number; heapUsed: number; external: number; arrayBuffers: number };
let peak: Sample = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = () => { const m = process.memoryUsage(); if (m.rss > peak.rss) peak = { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }; };
const mark = (stage: string) => {
  sample();
  console.log(JSON.stringify({ stage, peakRssMb: mb(peak.rss), heapUsedMb: mb(peak.heapUsed), externalMb: mb(peak.external), arrayBuffersMb: mb(peak.arrayBuffers) }));
  peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
};
try {
  const blobs = new BlobStore(scratch);
  const ref = await blobs.putStream(createReadStream(file), { durable: false });
  const verifier = signatureVerifier({ anchors: [], intermediates: [], crls: [], ocsp: 'off', revocation: 'soft' } as never);
  // Warm up: modules loaded before the base is taken.
  await prepareMail(Buffer.from('From: a@example.invalid\r\nSubject: x\r\n\r\nx\r\n'), new Date(), verifier, 20);
  await extractPdfText(await documentPdf());
  await verifier(await documentPdf(), new Date());
  await releaseGarbage();
  const timer = setInterval(sample, 5);
  mark('base');
  const traced: typeof verifier = async (pdf, now) => { mark('parse+stream-budget'); const r = await verifier(pdf, now); mark('signature'); return r; };
  const prepared = await prepareMail({ root: scratch, sha256: ref.sha256, size: ref.size }, new Date(), traced, 20);
  mark('text');
  clearInterval(timer);
  console.log(JSON.stringify({ ok: prepared.ok, mailBytes: ref.size }));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
