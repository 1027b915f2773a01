/** Public result types of the signature module (docs/signatures.md §Verdicts). */
import type { ModLevel } from './change-table.js';
import type { Change } from './object-diff.js';
import type { ReasonCode, WarningCode } from './reasons.js';

/** Verdict per signature and per document (docs/signatures.md §Verdicts). */
export type Verdict = 'valid' | 'invalid' | 'indeterminate' | 'unsigned';
export type { ModLevel, Change, ReasonCode, WarningCode };

/** A certificate as reported. */
export type CertInfo = { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string; sha256: string };

/** The verdict on one signature. */
export type SignatureReport = {
  field: string;
  /** 'signature' or an RFC 3161 'document-timestamp'. */
  kind: 'signature' | 'document-timestamp';
  subFilter: string | null;
  /** Signer common name (or the whole subject when there is no CN). */
  signer: string | null;
  signerSubject: string | null;
  organization: string | null;
  /** ISO 8601; the best known signing time. */
  signingTime: string | null;
  signingTimeSource: 'timestamp' | 'signed-attribute' | 'pdf-dictionary' | null;
  /** The signature timestamp (or, for a document timestamp, the token itself) and how it checked out. */
  timestamp: { genTime: string | null; tsa: string | null; valid: boolean; status: import('./timestamp.js').TimestampStatus } | null;
  coversWholeDocument: boolean;
  coverage: 'entire-file' | 'entire-revision' | 'unclear';
  byteRange: number[] | null;
  integrity: 'intact' | 'hash-mismatch' | 'signature-invalid' | 'unverified';
  chain: 'trusted' | 'untrusted' | 'invalid' | 'not-checked';
  revocation: 'good' | 'revoked' | 'unknown' | 'not-checked';
  revokedAt: string | null;
  /** Highest modification level in the updates after this signature (pyHanko ModificationLevel). */
  modification: ModLevel;
  modifications: Change[];
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  certificates: CertInfo[];
  verdict: Exclude<Verdict, 'unsigned'>;
  reasons: ReasonCode[];
  warnings: WarningCode[];
  /** Human-readable details for logs (English). */
  problems: string[];
  reason: string | null;
  location: string | null;
  /** DocMDP permission of a certification signature (ISO 32000-1 §12.8.2.2), or null. */
  docMdp: 1 | 2 | 3 | null;
};

/** The verdict on a whole PDF. */
export type DocumentVerification = {
  verdict: Verdict;
  reasons: ReasonCode[];
  warnings: WarningCode[];
  signatures: SignatureReport[];
  /** Number of revisions (xref sections) in the file; 0 when not a readable PDF. */
  revisions: number;
  /** Whether some intact signature covers the whole file. */
  lastRevisionSigned: boolean;
  /** When the verification ran (ISO 8601). */
  validationTime: string;
  problems: string[];
};

/** Options of verifyPdf. */
export type VerifyOptions = {
  /** Validation time: the caller's clock (signature/ never reads one). */
  now: Date;
  /**
   * HTTP for OCSP requests (the `fetch` of the service's ports). Without it, and without
   * `TrustConfig.ocspFetch`, no responder is asked (signature/ does no I/O of its own).
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Changes an approval signature lets through beyond its own permissions when no later trusted
   * signature covers them: 'annotations' lets annotations pass (docs/signatures.md §What may change
   * after signing). A certification signature's DocMDP always caps what is allowed.
   */
  allowedModification?: 'none' | 'form-filling' | 'annotations';
  /** The decision table to apply (default CHANGE_TABLE); tests pass a mutated one to show each row matters. */
  changeTable?: import('./change-table.js').ChangeRule[];
};
