/** Cryptographic verification of one SignerInfo (RFC 5652 §5.4, §11; RFC 5035 ESS; EN 319 102-1 §5.2.3, §5.2.7). */
import crypto from 'node:crypto';
import { type Der, child, content, raw, oid, octets, time } from './der.js';
import { type SignedData, type SignerInfo, attr, isDerSorted } from './cms-parse.js';
import { type Cert, parseCert } from './cert.js';
import { digestOf, resolveSigAlg, isWeak, verifySig, type SigAlg } from './algorithms.js';
import { OID } from './oids.js';
import type { ReasonCode, WarningCode } from './reasons.js';

/** Outcome of the basic (integrity) checks of one SignerInfo. */
export type SignerCheck = {
  signerCert: Cert | null;
  digestName: string | null;
  claimedTime: Date | null;
  reasons: ReasonCode[];
  warnings: WarningCode[];
  /** 'intact' only when digest and signature both verified. */
  integrity: 'intact' | 'hash-mismatch' | 'signature-invalid' | 'unverified';
};

/** Find the signer certificate named by `sid` (issuer+serial or subjectKeyIdentifier, RFC 5652 §5.3). */
export function findSignerCert(si: SignerInfo, certs: Cert[]): Cert | null {
  const sid = si.sid;
  if ('ski' in sid) return certs.find(c => c.ski?.equals(sid.ski)) ?? null;
  return certs.find(c => c.serial.equals(sid.serial) && c.issuerDer.equals(sid.issuer)) ?? null;
}

/** Parse the certificates of a SignedData, skipping unreadable ones. */
export function certsOf(sd: SignedData): Cert[] {
  const out: Cert[] = [];
  for (const der of sd.certificates) {
    try { out.push(parseCert(der)); } catch { /* unreadable certificate: ignored, chain building decides */ }
  }
  return out;
}

/**
 * Verify a SignerInfo in a strict validator's order (EN 319 102-1 §5.2.7, §5.2.8): structure, then the
 * digest, then the signature value, and only for an intact signature the algorithm strength. So a
 * tampered SHA-1 signature is HASH_FAILURE, an intact one WEAK_HASH_ALGORITHM. `digestOfContent(name)`
 * hashes the signed content (the PDF ranges, or a TSTInfo); `requireEss` for ETSI.CAdES.detached
 * (EN 319 142-1 §6.3).
 */
export function checkSigner(
  sd: SignedData, si: SignerInfo, certs: Cert[], digestOfContent: (name: string) => Buffer, requireEss: boolean,
  contentBytes?: () => Buffer,
): SignerCheck {
  const res: SignerCheck = { signerCert: null, digestName: null, claimedTime: null, reasons: [], warnings: [], integrity: 'unverified' };
  const fail = (r: ReasonCode): SignerCheck => { res.reasons.push(r); return res; };
  let digest: { name: string; weak: boolean };
  try { digest = digestOf(si.digestAlg); } catch { return fail('FORMAT_FAILURE'); }
  res.digestName = digest.name;
  res.signerCert = findSignerCert(si, certs);
  if (!si.signedAttrs) return checkWithoutAttrs(si, res, contentBytes);
  // RFC 5652 §11: contentType and messageDigest each exactly once with one value.
  const ct = attr(si.attrs, OID.contentType);
  const md = attr(si.attrs, OID.messageDigest);
  if (ct.count !== 1 || ct.values.length !== 1 || md.count !== 1 || md.values.length !== 1) return fail('FORMAT_FAILURE');
  if (oid(ct.values[0]!) !== sd.eContentType) return fail('FORMAT_FAILURE');
  const st = attr(si.attrs, OID.signingTime);
  if (st.values[0]) { try { res.claimedTime = time(st.values[0]); } catch { return fail('FORMAT_FAILURE'); } }
  let alg: SigAlg;
  try { alg = resolveSigAlg(si.sigAlg, digest.name); } catch { return fail('FORMAT_FAILURE'); }
  let mdValue: Buffer;
  try { mdValue = octets(md.values[0]!); } catch { return fail('FORMAT_FAILURE'); }
  if (!mdValue.equals(digestOfContent(digest.name))) { res.integrity = 'hash-mismatch'; return fail('HASH_FAILURE'); }
  if (!res.signerCert) return fail('NO_SIGNING_CERTIFICATE_FOUND');
  // RFC 5652 §5.4: the signature covers the DER of SET OF Attribute: same bytes, tag 0xA0 → 0x31.
  const signed = Buffer.from(raw(si.signedAttrs));
  signed[0] = 0x31;
  const sorted = isDerSorted(si.signedAttrs);
  let ok = verifySig(alg, res.signerCert.publicKey, signed, si.signature);
  if (!ok && !sorted) ok = verifySig(alg, res.signerCert.publicKey, resorted(si.signedAttrs), si.signature);
  if (!sorted) res.warnings.push('SIGNED_ATTRS_NOT_DER');
  if (!ok) { res.integrity = 'signature-invalid'; return fail('SIG_CRYPTO_FAILURE'); }
  res.integrity = 'intact';
  res.reasons.push(...strength(digest.weak || isWeak(alg), res.signerCert));
  const ess = essBinding(si, res.signerCert);
  if (ess === 'mismatch') return fail('NO_SIGNING_CERTIFICATE_FOUND');
  if (ess === 'absent' && requireEss) return fail('FORMAT_FAILURE');
  return res;
}

/** The cryptographic-constraint reasons of an intact signature: what is weak, the hash or the key size. */
export function strength(weakHash: boolean, cert: Cert): ReasonCode[] {
  return [...(weakHash ? ['WEAK_HASH_ALGORITHM' as const] : []), ...(weakKey(cert) ? ['WEAK_KEY_SIZE' as const] : [])];
}

/** RSA keys below 1900 bits are refused, as in the EU DSS default policy (ETSI TS 119 312). */
export function weakKey(cert: Cert): boolean {
  const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength;
  return bits !== undefined && bits < 1900;
}

/**
 * RFC 5652 §5.4: without signed attributes the signature covers the content itself (old
 * adbe.pkcs7.detached signers); digest and signature are one check, so a mismatch is SIG_CRYPTO_FAILURE.
 */
function checkWithoutAttrs(si: SignerInfo, res: SignerCheck, contentBytes: (() => Buffer) | undefined): SignerCheck {
  const fail = (r: ReasonCode): SignerCheck => { res.reasons.push(r); return res; };
  if (!contentBytes) return fail('FORMAT_FAILURE');
  if (!res.signerCert) return fail('NO_SIGNING_CERTIFICATE_FOUND');
  let alg: SigAlg;
  try { alg = resolveSigAlg(si.sigAlg, res.digestName); } catch { return fail('FORMAT_FAILURE'); }
  if (!verifySig(alg, res.signerCert.publicKey, contentBytes(), si.signature)) { res.integrity = 'signature-invalid'; return fail('SIG_CRYPTO_FAILURE'); }
  res.integrity = 'intact';
  res.reasons.push(...strength(DIGESTS_WEAK.has(res.digestName ?? '') || isWeak(alg), res.signerCert));
  return res;
}

const DIGESTS_WEAK = new Set(['sha1', 'md5']);

/** Re-encode the attribute SET in DER order (what BouncyCastle/DSS verify, RFC 5652 §5.4). */
function resorted(set: Der): Buffer {
  const parts = set.children.map(raw).sort(Buffer.compare);
  const body = Buffer.concat(parts);
  const head = Buffer.from(raw(set).subarray(0, set.contentStart - set.start));
  head[0] = 0x31;
  return Buffer.concat([head, body]);
}

/**
 * ESS signing-certificate(-v2) binding (RFC 2634 §5.4, RFC 5035 §3): the first ESSCertID must hash
 * to the signer certificate; this stops certificate substitution.
 */
export function essBinding(si: SignerInfo, cert: Cert): 'ok' | 'mismatch' | 'absent' {
  try {
    const v2 = attr(si.attrs, OID.signingCertificateV2).values[0];
    const v1 = attr(si.attrs, OID.signingCertificate).values[0];
    const sc = v2 ?? v1;
    if (!sc) return 'absent';
    const first = child(child(sc, 0, 'certs'), 0, 'ESSCertID');
    let hashName = v2 ? 'sha256' : 'sha1';
    let k = 0;
    if (v2 && first.children[0]?.tag === 0x30) hashName = digestOf(first.children[k++]!).name;
    const certHash = octets(child(first, k, 'certHash'));
    const h = crypto.createHash(hashName).update(cert.der).digest();
    if (!h.equals(certHash)) return 'mismatch';
    const issuerSerial = first.children[k + 1];
    if (issuerSerial && !content(child(issuerSerial, 1)).equals(cert.serial)) return 'mismatch';
    return 'ok';
  } catch {
    return 'mismatch';
  }
}

/** The signature timestamp token attribute (RFC 3161 Appendix A; id-aa-signatureTimeStampToken). */
export function timestampTokens(si: SignerInfo): Buffer[] {
  return attr(si.unsignedAttrs, OID.signatureTimeStampToken).values.map(raw);
}
