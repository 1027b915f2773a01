/** The signature module (docs/signatures.md): Buffers in, verdicts out; pure (time and I/O come in as parameters). */
export type { Verdict, SignatureReport, DocumentVerification, VerifyOptions, CertInfo, ModLevel, Change } from './types.js';
export type { TrustConfig } from './chain.js';
export { verifyPdf } from './verify-pdf.js';
export { summarizeVi } from './summary-vi.js';
export { REASONS, WARNINGS, type ReasonCode, type WarningCode } from './reasons.js';
export { loadAgencyKey, type AgencyKey } from './seal/agency-key.js';
export { sealPdf, sealAttachments, stampPdf, timestampPdf, type StampSpec, type SealOptions, type TsaClient } from './seal/seal-pdf.js';
export { agencyKeyFrom } from './seal/agency-key.js';
export { timeStampRequest, tokenFromResponse } from './seal/tsa-protocol.js';
