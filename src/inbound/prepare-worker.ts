import { parentPort, workerData } from 'node:worker_threads';
import type { TrustConfig } from '../signature/index.js';
import { prepareMail, reviveBuffers } from './prepare.js';
import { signatureVerifier } from './signature-verifier.js';

/**
 * A worker thread of the intake's prepare pool (preparer.ts): parses mails and checks their PDFs
 * on another core. Messages in: {id, raw, now}; out: {id, prepared} or {id, error}.
 */
const { trust, maxAttachments } = reviveBuffers(workerData as { trust: TrustConfig; maxAttachments: number });
const verifier = signatureVerifier(trust);

parentPort!.on('message', async (m: { id: number; raw: Uint8Array; now: number }) => {
  try {
    const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
    parentPort!.postMessage({ id: m.id, prepared: await prepareMail(raw, new Date(m.now), verifier, maxAttachments) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err) });
  }
});
