/**
 * A child process that verifies PDFs sent by its parent (the fuzz harness): one message in, one
 * answer out. The parent keeps a deadline per input and kills this process when it is passed, so a
 * hang fails the test with the input named instead of stalling the suite.
 */
import { verifyPdf } from '../../src/signature/index.js';
import { pki, NOW } from './pki.js';

const p = pki();
process.on('message', async (m: { id: number; pdf: string }) => {
  try {
    const v = await verifyPdf(Buffer.from(m.pdf, 'base64'), p.trustAll, { now: NOW });
    const internal = [...v.problems, ...v.signatures.flatMap(s => s.problems)].filter(x => x.startsWith('internal:'));
    process.send!({ id: m.id, verdict: v.verdict, reasons: v.reasons, internal });
  } catch (e) {
    process.send!({ id: m.id, error: (e as Error).stack ?? String(e) });
  }
});
process.send!({ ready: true });
