/**
 * Per-signature checks (EN 319 102-1 §5.2 basic building blocks): format and ByteRange, CMS
 * integrity, signing certificate, timestamp as POE, path and revocation at the best signature time.
 */
import { checkByteRange, type SigField } from './byte-range.js';
import { parseSignedData, attr, type SignerInfo } from './cms-parse.js';
import { checkSigner, certsOf, timestampTokens } from './cms-verify.js';
import { checkTimestamp } from './timestamp.js';
import { validateChain, type TrustStore } from './chain.js';
import { parseCrl, type Crl } from './crl.js';
import { hashRanges } from './algorithms.js';
import { ocspStatus } from './ocsp.js';
import { PdfDict, nameOf, textOf, type PdfValue } from './pdf-lexer.js';
import { OID, SIG_ALGS } from './oids.js';
import { oid, raw } from './der.js';
import { verdictOf, type ReasonCode } from './reasons.js';
import type { Cert } from './cert.js';
import type { SignatureReport } from './types.js';

const ADBE_REVOCATION = '1.2.840.113583.1.1.8';
const ACCEPTED_SUBFILTERS = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached', 'ETSI.RFC3161']);
// ISO 32000-2 §12.8.3.3: adbe.pkcs7.sha1 is deprecated; SHA-1 is refused by policy (SPEC §4).
const REFUSED_SUBFILTERS = new Set(['adbe.pkcs7.sha1', 'adbe.x509.rsa_sha1']);

/** A report plus the facts the document-level analysis needs. */
export type Checked = { report: SignatureReport; signedEnd: number | null };

/** Parse a PDF date `D:YYYYMMDDHHmmSSOHH'mm` (ISO 32000-1 §7.9.4). */
export function pdfDate(s: string | null): Date | null {
  const m = s?.match(/^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?/);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', z, oh = '00', om = '00'] = m;
  const utc = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +se);
  const off = (z === '+' ? 1 : z === '-' ? -1 : 0) * (+oh * 60 + +om) * 60_000;
  const t = new Date(utc - off);
  return isNaN(t.getTime()) ? null : t;
}

function certInfo(c: Cert) {
  return { subject: c.subject, issuer: c.issuer, serial: c.serial.toString('hex'), notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), sha256: c.fingerprint256 };
}

/** CRLs in Adobe's revocationInfoArchival signed attribute (ISO 32000-1 §12.8.3.3.2), as iText-based signers embed them. */
function archivedCrls(si: SignerInfo): Buffer[] {
  const v = attr(si.attrs, ADBE_REVOCATION).values[0];
  const crlN = v?.children.find(c => c.tag === 0xa0);
  return (crlN?.children[0]?.children ?? []).map(raw);
}

/** DocMDP permission P from a signature's /Reference (ISO 32000-1 §12.8.2.2; default 2). */
function docMdpOf(ref: PdfValue | undefined): 1 | 2 | 3 | null {
  if (!Array.isArray(ref)) return null;
  for (const r of ref) {
    if (!(r instanceof PdfDict) || nameOf(r.get('TransformMethod')) !== 'DocMDP') continue;
    const tp = r.get('TransformParams');
    const pv = tp instanceof PdfDict ? tp.get('P') : undefined;
    return pv === 1 || pv === 3 ? pv : 2;
  }
  return null;
}

/** Run all per-signature checks except the modification analysis. */
export async function checkSignature(buf: Buffer, field: SigField, store: TrustStore, env: { now: Date; fetch?: typeof globalThis.fetch }, docCrls: Buffer[] = []): Promise<Checked> {
  const now = env.now;
  const sub = nameOf(field.dict.get('SubFilter'));
  const claimedM = pdfDate(textOf(field.dict.get('M')));
  const report: SignatureReport = {
    field: field.name, kind: sub === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature', subFilter: sub,
    signer: textOf(field.dict.get('Name')), signerSubject: null, organization: null,
    signingTime: claimedM?.toISOString() ?? null, signingTimeSource: claimedM ? 'pdf-dictionary' : null, timestamp: null,
    coversWholeDocument: false, coverage: 'unclear', byteRange: null, integrity: 'unverified', chain: 'not-checked',
    revocation: 'not-checked', revokedAt: null, modification: 'none', modifications: [], digestAlgorithm: null,
    signatureAlgorithm: null, certificates: [], verdict: 'invalid', reasons: [], warnings: [], problems: [],
    reason: textOf(field.dict.get('Reason')), location: textOf(field.dict.get('Location')), docMdp: docMdpOf(field.dict.get('Reference')),
  };
  const done = (reasons: ReasonCode[], problem?: string, signedEnd: number | null = null): Checked => {
    report.reasons = [...new Set([...report.reasons, ...reasons])];
    if (problem) report.problems.push(problem);
    report.verdict = verdictOf(report.reasons);
    return { report, signedEnd };
  };
  const range = checkByteRange(buf, field.dict);
  if (!range.ok) { report.byteRange = range.range; return done(['FORMAT_FAILURE'], range.problem); }
  const [, b, c, d] = range.range;
  report.byteRange = range.range;
  report.coversWholeDocument = range.entireFile;
  report.coverage = range.entireFile ? 'entire-file' : 'entire-revision';
  if (sub && REFUSED_SUBFILTERS.has(sub)) return done(['CRYPTO_CONSTRAINTS_FAILURE_NO_POE'], `refused SubFilter ${sub}`, range.signedEnd);
  if (!sub || !ACCEPTED_SUBFILTERS.has(sub)) return done(['FORMAT_FAILURE'], `unsupported SubFilter ${sub}`, range.signedEnd);
  const ranges: Array<[number, number]> = [[0, b], [c, d]];
  const digestOfContent = (name: string) => hashRanges(name, buf, ranges);
  let sd;
  try { sd = parseSignedData(range.cms); } catch (e) { return done(['FORMAT_FAILURE'], `CMS: ${(e as Error).message}`, range.signedEnd); }
  if (report.kind === 'document-timestamp') return documentTimestamp(report, range.cms, digestOfContent, store, now, done, range.signedEnd);
  // PAdES / PDF detached signatures: no eContent, id-data, exactly one SignerInfo (EN 319 142-1 §6.3).
  if (sd.eContent || sd.eContentType !== OID.data || sd.signerInfos.length !== 1) {
    return done(['FORMAT_FAILURE'], 'CMS must be detached id-data with exactly one SignerInfo', range.signedEnd);
  }
  const si = sd.signerInfos[0]!;
  const certs = certsOf(sd);
  const chk = checkSigner(sd, si, [...certs, ...store.intermediates], digestOfContent, sub === 'ETSI.CAdES.detached', () => Buffer.concat(ranges.map(([s, l]) => buf.subarray(s, s + l))));
  report.integrity = chk.integrity;
  report.digestAlgorithm = chk.digestName;
  try { const o = oid(si.sigAlg.children[0]!); report.signatureAlgorithm = SIG_ALGS[o]?.kind ?? o; } catch { /* reported via reasons */ }
  report.warnings.push(...chk.warnings);
  const cert = chk.signerCert;
  if (cert) {
    report.signer = cert.subjectAttrs.CN ?? cert.subject;
    report.signerSubject = cert.subject;
    report.organization = cert.subjectAttrs.O ?? null;
  }
  if (chk.claimedTime) { report.signingTime = chk.claimedTime.toISOString(); report.signingTimeSource = 'signed-attribute'; }
  if (chk.reasons.length || !cert) return done(chk.reasons.length ? chk.reasons : ['NO_SIGNING_CERTIFICATE_FOUND'], undefined, range.signedEnd);
  // Best signature time: a valid signature timestamp is POE (EN 319 102-1 §5.6.2.2); otherwise `now`.
  let poe: Date | null = null;
  for (const token of timestampTokens(si)) {
    const ts = checkTimestamp(token, si.signature, store, now);
    report.timestamp = { genTime: ts.genTime?.toISOString() ?? null, tsa: ts.tsa, valid: ts.ok };
    if (ts.ok && ts.genTime) { poe = ts.genTime; break; }
    if (ts.warning) report.warnings.push(ts.warning);
  }
  if (poe) { report.signingTime = poe.toISOString(); report.signingTimeSource = 'timestamp'; } else report.warnings.push('CLAIMED_TIME_ONLY');
  const crls: Crl[] = [...sd.crls, ...archivedCrls(si), ...docCrls].flatMap(x => { try { return [parseCrl(x)]; } catch { return []; } });
  const chain = validateChain(cert, certs, store, crls, { at: poe ?? now, proven: poe !== null, usage: 'signing' });
  report.certificates = chain.path.map(certInfo);
  report.chain = chain.status;
  report.revocation = chain.revocation;
  report.revokedAt = chain.revokedAt?.toISOString() ?? null;
  const reasons = [...chain.reasons];
  if (chain.status === 'trusted' && chain.revocation === 'unknown' && store.config.ocsp) {
    const st = await ocspStatus(chain.path, store, env.fetch);
    if (st.status === 'unavailable') report.warnings.push('OCSP_UNAVAILABLE');
    else {
      // OCSP answers for the leaf only; an issuer with unknown status keeps the chain unknown.
      report.revocation = st.status === 'revoked' ? 'revoked' : chain.unknown.some(i => i > 0) ? 'unknown' : 'good';
      if (st.status === 'revoked' && st.revokedAt! <= (poe ?? now)) {
        report.revokedAt = st.revokedAt!.toISOString();
        reasons.push(poe ? 'REVOKED' : 'REVOKED_NO_POE');
      }
    }
  }
  if (chain.status === 'trusted' && report.revocation === 'unknown' && store.config.revocation !== 'soft') reasons.push('TRY_LATER');
  if (reasons.length) report.chain = chain.status === 'untrusted' ? 'untrusted' : 'invalid';
  report.warnings = [...new Set(report.warnings)];
  return done(reasons, undefined, range.signedEnd);
}

/** An ETSI.RFC3161 document timestamp (ISO 32000-2 §12.8.5): the token's imprint is the hash of the ranges. */
function documentTimestamp(
  report: SignatureReport, cms: Buffer, digestOfContent: (n: string) => Buffer, store: TrustStore, now: Date,
  done: (r: ReasonCode[], p?: string, e?: number | null) => Checked, signedEnd: number,
): Checked {
  const ts = checkTimestamp(cms, digestOfContent, store, now);
  report.timestamp = { genTime: ts.genTime?.toISOString() ?? null, tsa: ts.tsa, valid: ts.ok };
  report.signer = ts.tsa;
  if (ts.genTime) { report.signingTime = ts.genTime.toISOString(); report.signingTimeSource = 'timestamp'; }
  if (ts.ok) { report.integrity = 'intact'; report.chain = 'trusted'; return done([], undefined, signedEnd); }
  if (ts.warning === 'TIMESTAMP_UNTRUSTED') { report.integrity = 'intact'; report.chain = 'untrusted'; return done(['NO_CERTIFICATE_CHAIN_FOUND'], undefined, signedEnd); }
  return done(['HASH_FAILURE'], 'document timestamp does not verify', signedEnd);
}
