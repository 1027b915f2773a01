import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeLimits } from '../config/schema.js';
import type { TrustConfig } from '../signature/index.js';
import { prepareMail, reviveBuffers } from './prepare.js';
import { signatureVerifier } from './signature-verifier.js';

/**
 * A worker thread of the intake's prepare pool (preparer.ts): parses one mail at a time and checks
 * its PDFs on another core, under the pool's budget. Messages out: {ready} once loaded (the
 * budget's clock starts only when a mail is handed over), then per mail in: {raw, now};
 * out: {prepared} or {error}.
 */
const { trust, maxAttachments, limits } = reviveBuffers(workerData as { trust: TrustConfig; maxAttachments: number; limits?: DecodeLimits });
const verifier = signatureVerifier(trust);

parentPort!.on('message', async (m: { raw: Uint8Array; now: number }) => {
  try {
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    parentPort!.postMessage({ prepared: await prepareMail(raw, new Date(m.now), verifier, maxAttachments, limits) });
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err) });
  }
});
parentPort!.postMessage({ ready: true });
