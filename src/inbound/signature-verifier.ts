import { readFile } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import type { TrustConfig } from '../signature/index.js';
import type { PdfVerifier } from './pdf-check.js';

/** Read the configured trust anchors, intermediates and CRLs (files: PEM or DER). */
export async function loadTrust(trust: Config['trust']): Promise<TrustConfig> {
  const read = async (files: string[], key: string) =>
    Promise.all(
      files.map(async f => {
        try {
          return await readFile(f);
        } catch (err) {
          throw new BridgeError('CONFIG_INVALID', `trust.${key}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
        }
      }),
    );
  return { anchors: await read(trust.anchors, 'anchors'), intermediates: await read(trust.intermediates, 'intermediates'), crls: await read(trust.crls, 'crls'), ocsp: trust.ocsp, revocation: trust.revocation };
}

/**
 * The intake verifier (docs/signatures.md §Verdict order, QĐ 1123 Art. 12.2): every PDF's signatures checked against the
 * trust anchors at the time of receipt; the Vietnamese summary goes into refusals and the register.
 */
export function signatureVerifier(trust: TrustConfig, fetchImpl: typeof globalThis.fetch = globalThis.fetch): PdfVerifier {
  // The signature module (and its PDF libraries) loads on the first PDF: a command that checks none starts fast.
  let signature: Promise<typeof import('../signature/index.js')> | undefined;
  return async (pdf, now) => {
    const { verifyPdf, summarizeVi } = await (signature ??= import('../signature/index.js'));
    const v = await verifyPdf(pdf, trust, { now, fetch: fetchImpl });
    // Not a PDF at all: no signature and a format failure (the text extraction says the rest).
    const unreadable = v.signatures.length === 0 && v.reasons.includes('FORMAT_FAILURE');
    return {
      pages: null, // counted by the text extraction, which reads the page tree anyway
      signaturesFound: v.signatures.length,
      verdict: unreadable ? 'unreadable' : v.verdict,
      reasons: v.reasons,
      summaryVi: summarizeVi(v),
      report: v,
    };
  };
}
