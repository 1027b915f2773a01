import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeLimits } from '../config/schema.js';
import type { TrustConfig } from '../signature/index.js';
import type { StoredMail } from '../store/stored-mail.js';
import { prepareMail, reviveBuffers } from './prepare.js';
import { signatureVerifier } from './signature-verifier.js';
import { transferablesOf } from './transfer.js';

/**
 * A worker thread of the intake's prepare pool (preparer.ts): parses one mail at a time and checks
 * its PDFs on another core, under the pool's budget. Messages out: {ready} once loaded and warmed
 * up, then per mail in: {raw (bytes, or a StoredMail), now}; out: {prepared} or {error}.
 */
const { trust, maxAttachments, limits } = reviveBuffers(workerData as { trust: TrustConfig; maxAttachments: number; limits?: DecodeLimits });
const verifier = signatureVerifier(trust);

/**
 * A one-page PDF with one line of text, in a small mail: preparing it once at start loads every
 * module the first real mail would load on demand (pdfjs, pdf-lib, the signature reader), so that
 * loading is counted neither in the first mail's time nor in its memory growth.
 */
function warmUpMail(): Buffer {
  const stream = 'BT /F1 12 Tf 72 720 Td (warm up) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map(o => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const b = 'warm-up-boundary';
  return Buffer.from(
    [
      'From: a@example.invalid', 'To: b@example.invalid', 'Subject: warm up', 'Message-ID: <warm-up@example.invalid>', 'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, 'Content-Type: text/plain; charset=utf-8', '', 'warm up', `--${b}`,
      'Content-Type: application/pdf; name="a.pdf"', 'Content-Disposition: attachment; filename="a.pdf"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from(pdf, 'latin1').toString('base64'), `--${b}--`, '',
    ].join('\r\n'),
  );
}

parentPort!.on('message', async (m: { raw: Uint8Array | StoredMail; now: number }) => {
  try {
    // A stored mail comes as its address (store/stored-mail.ts), read here as a stream.
    const raw = m.raw instanceof Uint8Array ? Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength) : m.raw;
    const prepared = await prepareMail(raw, new Date(m.now), verifier, maxAttachments, limits);
    // The attachments move back to the main thread rather than being copied (transfer.ts).
    try {
      parentPort!.postMessage({ prepared }, transferablesOf(prepared));
    } catch {
      // A buffer Node will not let go of (DataCloneError): copied then, as before.
      parentPort!.postMessage({ prepared });
    }
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err) });
  }
});
// A failed warm-up costs only the lazy loading later: never a reason not to start.
await prepareMail(warmUpMail(), new Date(), verifier, maxAttachments, limits).catch(() => undefined);
parentPort!.postMessage({ ready: true });
