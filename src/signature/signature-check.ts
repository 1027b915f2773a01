/**
 * Per-signature checks (EN 319 102-1 §5.2 basic building blocks), in a strict validator's order:
 * format and ByteRange, then the digest, then the signature value, then algorithm strength, the
 * chain and the time (docs/signatures.md §Verdict order). Unusual containers (several SignerInfos,
 * encapsulated content, bytes after the CMS, an unknown SubFilter) are reported; only what cannot be
 * checked at all is invalid.
 */
import crypto from 'node:crypto';
import { checkByteRange, type SigField } from './byte-range.js';
import { parseSignedData, type SignedData } from './cms-parse.js';
import { checkSigner, certsOf, timestampTokens } from './cms-verify.js';
import { checkTimestamp, TIMESTAMP_WARNING } from './timestamp.js';
import { validateChain, type TrustStore } from './chain.js';
import { parseCrl, type Crl } from './crl.js';
import { hashRanges } from './algorithms.js';
import { ocspStatus } from './ocsp.js';
import { nameOf, textOf } from './pdf-lexer.js';
import { SIG_ALGS } from './oids.js';
import { oid } from './der.js';
import type { ReasonCode } from './reasons.js';
import { pdfDate, certInfo, archivedCrls, docMdpOf, fieldLocks, type FieldLock } from './signature-facts.js';
import { documentTimestamp, x509RsaSha1 } from './signature-other.js';
import { finish, type CheckEnv } from './check-env.js';
import type { SignatureReport } from './types.js';

export { pdfDate };

const CMS_SUBFILTERS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached', 'adbe.pkcs7.sha1']);
const DIGEST_BY_LENGTH: Record<number, string> = { 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' };
/** Reasons after which nothing else about the signature can be judged. */
const FATAL = new Set<ReasonCode>(['FORMAT_FAILURE', 'HASH_FAILURE', 'SIG_CRYPTO_FAILURE', 'NO_SIGNING_CERTIFICATE_FOUND']);

/** A report plus the facts the document-level analysis needs. */
export type Checked = { report: SignatureReport; signedEnd: number | null; locks: FieldLock[] };


/** A fresh report for a field (verdict filled in by `finish`). */
function newReport(field: SigField): SignatureReport {
  const sub = nameOf(field.dict.get('SubFilter'));
  const claimedM = pdfDate(textOf(field.dict.get('M')));
  return {
    field: field.name, kind: sub === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature', subFilter: sub,
    signer: textOf(field.dict.get('Name')), signerSubject: null, organization: null,
    signingTime: claimedM?.toISOString() ?? null, signingTimeSource: claimedM ? 'pdf-dictionary' : null, timestamp: null,
    coversWholeDocument: false, coverage: 'unclear', byteRange: null, integrity: 'unverified', chain: 'not-checked',
    revocation: 'not-checked', revokedAt: null, modification: 'none', modifications: [], digestAlgorithm: null,
    signatureAlgorithm: null, certificates: [], verdict: 'invalid', reasons: [], warnings: [], problems: [],
    reason: textOf(field.dict.get('Reason')), location: textOf(field.dict.get('Location')), docMdp: docMdpOf(field.dict.get('Reference')),
  };
}


/** Run all per-signature checks except the modification analysis. */
export async function checkSignature(buf: Buffer, field: SigField, store: TrustStore, env: CheckEnv): Promise<Checked> {
  const report = newReport(field);
  const checked: Checked = { report, signedEnd: null, locks: fieldLocks(field.dict, field.widget.get('Lock')) };
  const range = checkByteRange(buf, field.dict);
  report.byteRange = range.range;
  if (!range.ok) { finish(report, ['FORMAT_FAILURE'], range.problem); return checked; }
  const [, b, c, d] = range.range;
  checked.signedEnd = range.signedEnd;
  report.coversWholeDocument = range.entireFile;
  report.coverage = range.entireFile ? 'entire-file' : 'entire-revision';
  if (range.trailingData) report.warnings.push('CONTENTS_TRAILING_DATA');
  const ranges: Array<[number, number]> = [[0, b], [c, d]];
  const sub = report.subFilter;
  if (report.kind === 'document-timestamp') { documentTimestamp(report, range.cms, n => hashRanges(n, buf, ranges), store, env); return checked; }
  if (sub === 'adbe.x509.rsa_sha1') { x509RsaSha1(report, buf, ranges, range.cms, field.dict.get('Cert'), store, env); return checked; }
  let sd: SignedData;
  try { sd = parseSignedData(range.cms); } catch (e) {
    finish(report, ['FORMAT_FAILURE'], `${sub && !CMS_SUBFILTERS.has(sub) ? `unsupported SubFilter ${sub}; ` : ''}CMS: ${(e as Error).message}`);
    return checked;
  }
  if (!sub || !CMS_SUBFILTERS.has(sub)) report.warnings.push('UNKNOWN_SUBFILTER');
  if (sd.signerInfos.length === 0) { finish(report, ['FORMAT_FAILURE'], 'CMS without a SignerInfo'); return checked; }
  if (sd.signerInfos.length > 1) report.warnings.push('CMS_SEVERAL_SIGNER_INFOS');
  await checkCms(report, sd, buf, ranges, store, env);
  return checked;
}

async function checkCms(report: SignatureReport, sd: SignedData, buf: Buffer, ranges: Array<[number, number]>, store: TrustStore, env: CheckEnv): Promise<void> {
  const si = sd.signerInfos[0]!;
  const certs = certsOf(sd);
  let digestOfContent = (name: string) => hashRanges(name, buf, ranges);
  let contentBytes = (): Buffer => Buffer.concat(ranges.map(([s, l]) => buf.subarray(s, s + l)));
  let weakEncapsulated = false;
  if (sd.eContent) {
    // Encapsulated content (adbe.pkcs7.sha1, ISO 32000-1 §12.8.3.3.1): the signed content is a digest
    // of the ranges (or, from some signers, the ranges themselves); it must be this document's.
    const e = sd.eContent;
    const name = DIGEST_BY_LENGTH[e.length];
    if (report.subFilter !== 'adbe.pkcs7.sha1') report.warnings.push('CMS_ENCAPSULATED_CONTENT');
    const total = ranges.reduce((n, [, l]) => n + l, 0);
    const isRanges = e.length === total && contentBytes().equals(e);
    if (!isRanges && (!name || !hashRanges(name, buf, ranges).equals(e))) { report.integrity = 'hash-mismatch'; return finish(report, ['HASH_FAILURE'], 'the encapsulated content is neither the signed ranges nor their digest'); }
    weakEncapsulated = !isRanges && name === 'sha1';
    digestOfContent = n => crypto.createHash(n).update(e).digest();
    contentBytes = () => e;
  }
  const chk = checkSigner(sd, si, [...certs, ...env.material.certs, ...store.intermediates], digestOfContent, report.subFilter === 'ETSI.CAdES.detached', contentBytes);
  report.integrity = chk.integrity;
  report.digestAlgorithm = chk.digestName;
  try { const o = oid(si.sigAlg.children[0]!); report.signatureAlgorithm = SIG_ALGS[o]?.kind ?? o; } catch { /* reported via reasons */ }
  report.warnings.push(...chk.warnings);
  const cert = chk.signerCert;
  if (cert) {
    report.signer = cert.subjectAttrs.CN ?? cert.subject;
    report.signerSubject = cert.subject;
    report.organization = cert.subjectAttrs.O ?? null;
    report.certificates = [certInfo(cert)];
  }
  if (chk.claimedTime) { report.signingTime = chk.claimedTime.toISOString(); report.signingTimeSource = 'signed-attribute'; }
  const reasons: ReasonCode[] = [...chk.reasons];
  if (weakEncapsulated && chk.integrity === 'intact') reasons.push('WEAK_HASH_ALGORITHM');
  if (!cert && !reasons.length) reasons.push('NO_SIGNING_CERTIFICATE_FOUND');
  if (reasons.some(r => FATAL.has(r)) || !cert) return finish(report, reasons);
  // Best signature time: a valid signature timestamp, or a later document timestamp, is POE (EN 319 102-1 §5.6.2.2).
  const crlsOf = (list: Buffer[]): Crl[] => list.flatMap(x => { try { return [parseCrl(x)]; } catch { return []; } });
  const tsCrls = [...crlsOf(sd.crls), ...env.material.crls];
  let sigTs: Date | null = null;
  for (const token of timestampTokens(si)) {
    const ts = checkTimestamp(token, si.signature, store, { now: env.now, at: env.poe ?? env.now, proven: env.poe !== null, pool: [...certs, ...env.material.certs], crls: tsCrls });
    report.timestamp = { genTime: ts.genTime?.toISOString() ?? null, tsa: ts.tsa, valid: ts.status === 'valid', status: ts.status };
    if (ts.status === 'valid' && ts.genTime) { sigTs = ts.genTime; break; }
    report.warnings.push(TIMESTAMP_WARNING[ts.status as Exclude<typeof ts.status, 'valid'>]);
    report.problems.push(`signature timestamp ignored: ${ts.detail}`);
  }
  const poe = [sigTs, env.poe].filter((x): x is Date => x !== null).sort((x, y) => x.getTime() - y.getTime())[0] ?? null;
  if (sigTs) { report.signingTime = sigTs.toISOString(); report.signingTimeSource = 'timestamp'; } else report.warnings.push('CLAIMED_TIME_ONLY');
  const crls = [...crlsOf([...sd.crls, ...archivedCrls(si)]), ...env.material.crls];
  const at = poe ?? env.now;
  const chain = validateChain(cert, [...certs, ...env.material.certs], store, crls, { at, proven: poe !== null, usage: 'signing' });
  report.certificates = chain.path.map(certInfo);
  report.chain = chain.status;
  report.revocation = chain.revocation;
  report.revokedAt = chain.revokedAt?.toISOString() ?? null;
  reasons.push(...chain.reasons);
  if (chain.status === 'trusted' && chain.revocation === 'unknown' && store.config.ocsp) {
    const st = await ocspStatus(chain.path, store, env.fetch);
    if (st.status === 'unavailable') report.warnings.push('OCSP_UNAVAILABLE');
    else {
      // OCSP answers for the leaf only; an issuer with unknown status keeps the chain unknown.
      report.revocation = st.status === 'revoked' ? 'revoked' : chain.unknown.some(i => i > 0) ? 'unknown' : 'good';
      if (st.status === 'revoked' && st.revokedAt! <= at) {
        report.revokedAt = st.revokedAt!.toISOString();
        reasons.push(poe ? 'REVOKED' : 'REVOKED_NO_POE');
      }
    }
  }
  if (chain.status === 'trusted' && report.revocation === 'unknown' && store.config.revocation !== 'soft') reasons.push('TRY_LATER');
  if (chain.reasons.length || reasons.includes('TRY_LATER') || reasons.includes('REVOKED') || reasons.includes('REVOKED_NO_POE')) report.chain = chain.status === 'untrusted' ? 'untrusted' : 'invalid';
  finish(report, reasons);
}
