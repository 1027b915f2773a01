/**
 * Document-level verification (docs/signatures.md): every signature, then the incremental updates
 * after each one (modification-policy.ts). Document timestamps are checked newest first so that
 * each gives a proof of existence to what it covers (PAdES B-LTA, EN 319 102-1 §5.6.2.2). Never
 * throws: limits give indeterminate DECOMPRESSION_LIMIT / PARSE_LIMIT, a non-PDF invalid FORMAT_FAILURE.
 */
import { PdfFile } from './pdf-file.js';
import { PdfLimitError } from './pdf-limits.js';
import { findSignatureFields, countRawByteRanges, checkByteRange, isDocumentTimestamp, type SigField } from './byte-range.js';
import { checkSignature, type Checked } from './signature-check.js';
import { trustStore, type TrustConfig } from './chain.js';
import { documentMaterial } from './document-certs.js';
import { applyModificationPolicy } from './modification-policy.js';
import { verdictOf, type ReasonCode, type WarningCode } from './reasons.js';
import type { DocumentVerification, VerifyOptions, Verdict } from './types.js';

const empty = (verdict: Verdict, reasons: ReasonCode[], now: Date, problems: string[] = [], revisions = 0, warnings: WarningCode[] = []): DocumentVerification => ({
  verdict, reasons, warnings, signatures: [], revisions, lastRevisionSigned: false, validationTime: now.toISOString(), problems,
});

/** Verify every signature in a PDF. Never throws on bad input. */
export async function verifyPdf(pdf: Buffer, trust: TrustConfig, opts: VerifyOptions): Promise<DocumentVerification> {
  const now = opts.now;
  try {
    return await verifyInner(pdf, trust, opts, now);
  } catch (e) {
    if (e instanceof PdfLimitError) return empty('indeterminate', [e.kind === 'decompression' ? 'DECOMPRESSION_LIMIT' : 'PARSE_LIMIT'], now, [e.message]);
    return empty('invalid', ['FORMAT_FAILURE'], now, [`internal: ${(e as Error).message}`]);
  }
}

async function verifyInner(pdf: Buffer, trust: TrustConfig, opts: VerifyOptions, now: Date): Promise<DocumentVerification> {
  let file: PdfFile;
  try {
    file = new PdfFile(pdf);
  } catch (e) {
    if (e instanceof PdfLimitError) throw e;
    const isPdf = pdf.subarray(0, 1024).includes('%PDF-');
    // A damaged PDF with no signature dictionary at all is simply unsigned; anything else is malformed.
    if (isPdf && countRawByteRanges(pdf) === 0) return empty('unsigned', ['NO_SIGNATURE_FOUND'], now, [`damaged PDF: ${(e as Error).message}`]);
    return empty('invalid', ['FORMAT_FAILURE'], now, [isPdf ? `unreadable PDF: ${(e as Error).message}` : 'not a PDF file']);
  }
  const warnings = new Set<WarningCode>();
  if (file.recovered) warnings.add('XREF_RECONSTRUCTED');
  const fields = findSignatureFields(file);
  const raw = countRawByteRanges(pdf);
  // Strings and streams of an encrypted file are ciphertext: the signatures cannot be read (ISO 32000-2 §7.6).
  if (file.trailer.get('Encrypt') !== undefined) {
    warnings.add('ENCRYPTED_DOCUMENT');
    if (fields.length === 0 && raw === 0) return { ...empty('unsigned', ['NO_SIGNATURE_FOUND'], now, file.problems, file.revisions.length, [...warnings]) };
    return empty('indeterminate', ['ENCRYPTED'], now, [...file.problems, 'encrypted PDF: signatures not checked'], file.revisions.length, [...warnings]);
  }
  if (fields.length === 0) {
    if (raw > 0) return empty('invalid', ['FORMAT_FAILURE'], now, [...file.problems, 'signature dictionaries not reachable from the form'], file.revisions.length, [...warnings]);
    return empty('unsigned', ['NO_SIGNATURE_FOUND'], now, file.problems, file.revisions.length, [...warnings]);
  }
  const store = trustStore(trust);
  const material = documentMaterial(file, fields);
  const checked = await checkAll(pdf, fields, store, { now, fetch: opts.fetch, material });
  if (raw > fields.length) warnings.add('ORPHAN_SIGNATURE_DICTIONARY');
  applyModificationPolicy(file, checked, opts, warnings);
  const sigs = checked.map(c => c.report);
  sigs.sort((a, b) => (a.byteRange?.[2] ?? 0) + (a.byteRange?.[3] ?? 0) - ((b.byteRange?.[2] ?? 0) + (b.byteRange?.[3] ?? 0)));
  for (const s of sigs) for (const w of s.warnings) warnings.add(w);
  const reasons = [...new Set(sigs.flatMap(s => s.reasons))];
  const lastRevisionSigned = sigs.some(s => s.coversWholeDocument && s.integrity === 'intact');
  return {
    verdict: verdictOf(reasons), reasons, warnings: [...warnings], signatures: sigs, revisions: file.revisions.length,
    lastRevisionSigned, validationTime: now.toISOString(), problems: [...file.problems],
  };
}

/**
 * Document timestamps newest first, each given the proof of existence of the valid ones after it;
 * then the signatures, each with the earliest valid document timestamp that covers it.
 */
async function checkAll(pdf: Buffer, fields: SigField[], store: ReturnType<typeof trustStore>, env: { now: Date; fetch?: typeof globalThis.fetch; material: ReturnType<typeof documentMaterial> }): Promise<Checked[]> {
  const end = (f: SigField) => { const r = checkByteRange(pdf, f.dict); return r.ok ? r.signedEnd : -1; };
  const withEnd = fields.map(f => ({ f, end: end(f) }));
  const proofs: Array<{ end: number; at: Date }> = [];
  const poeFor = (signedEnd: number) => proofs.filter(p => p.end > signedEnd).map(p => p.at).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  const results = new Map<SigField, Checked>();
  for (const { f, end: e } of withEnd.filter(x => isDocumentTimestamp(x.f.dict)).sort((a, b) => b.end - a.end)) {
    const c = await checkSignature(pdf, f, store, { ...env, poe: poeFor(e) });
    results.set(f, c);
    const t = c.report.timestamp;
    if (c.report.verdict === 'valid' && t?.genTime) proofs.push({ end: e, at: new Date(t.genTime) });
  }
  for (const { f, end: e } of withEnd) if (!results.has(f)) results.set(f, await checkSignature(pdf, f, store, { ...env, poe: poeFor(e) }));
  return fields.map(f => results.get(f)!);
}
