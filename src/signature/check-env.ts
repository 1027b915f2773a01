/**
 * What every per-signature check shares (signature-check.ts for CMS signatures, signature-other.ts
 * for document timestamps and the old x509 form, modification-policy.ts): the check's environment,
 * and `finish`, which adds reasons and recomputes the verdict.
 */
import type { DocumentMaterial } from './document-certs.js';
import { verdictOf, type ReasonCode } from './reasons.js';
import type { SignatureReport } from './types.js';

/** What a check needs besides the signature: time, HTTP for OCSP, the document's certificates, a POE. */
export type CheckEnv = {
  now: Date;
  fetch?: typeof globalThis.fetch;
  material: DocumentMaterial;
  /** The earliest valid document timestamp covering this signature (a proof of existence). */
  poe: Date | null;
};

/** Add reasons (and a problem), recompute the verdict. */
export function finish(report: SignatureReport, reasons: ReasonCode[], problem?: string): void {
  report.reasons = [...new Set([...report.reasons, ...reasons])];
  if (problem) report.problems.push(problem);
  report.warnings = [...new Set(report.warnings)];
  report.verdict = verdictOf(report.reasons);
}
