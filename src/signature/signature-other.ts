/**
 * The two non-CMS-signature kinds: RFC 3161 document timestamps (ETSI.RFC3161, ISO 32000-2 §12.8.5)
 * and the old adbe.x509.rsa_sha1 (ISO 32000-1 §12.8.3.2: a PKCS#1 signature with the certificates
 * in /Cert). Same order as signatures: imprint or digest first, then strength, chain and time.
 */
import crypto from 'node:crypto';
import { checkTimestamp, TIMESTAMP_REASON } from './timestamp.js';
import { validateChain, type TrustStore } from './chain.js';
import { parseCert, type Cert } from './cert.js';
import { readDer, octets } from './der.js';
import { PdfString, type PdfValue } from './pdf-lexer.js';
import { weakKey } from './cms-verify.js';
import { certInfo } from './signature-facts.js';
import { finish, type CheckEnv } from './check-env.js';
import type { ReasonCode } from './reasons.js';
import type { SignatureReport } from './types.js';

/** A document timestamp: its token's imprint is the hash of the signed ranges. */
export function documentTimestamp(report: SignatureReport, cms: Buffer, digestOfContent: (n: string) => Buffer, store: TrustStore, env: CheckEnv): void {
  const ts = checkTimestamp(cms, digestOfContent, store, { now: env.now, at: env.poe ?? env.now, proven: env.poe !== null, pool: env.material.certs, crls: env.material.crls });
  report.timestamp = { genTime: ts.genTime?.toISOString() ?? null, tsa: ts.tsa, valid: ts.status === 'valid', status: ts.status };
  report.signer = ts.tsa;
  if (ts.tsaCert) { report.signerSubject = ts.tsaCert.subject; report.organization = ts.tsaCert.subjectAttrs.O ?? null; report.certificates = [certInfo(ts.tsaCert)]; }
  if (ts.genTime) { report.signingTime = ts.genTime.toISOString(); report.signingTimeSource = 'timestamp'; }
  report.integrity = ts.status === 'hash-failure' ? 'hash-mismatch' : ts.status === 'invalid' ? 'signature-invalid' : ts.status === 'malformed' ? 'unverified' : 'intact';
  report.chain = ts.status === 'valid' ? 'trusted' : ts.status === 'untrusted' ? 'untrusted' : ts.status === 'expired' || ts.status === 'chain-invalid' ? 'invalid' : 'not-checked';
  if (ts.status === 'valid') return finish(report, []);
  finish(report, [TIMESTAMP_REASON[ts.status]], `document timestamp: ${ts.detail}`);
}

/** adbe.x509.rsa_sha1: /Contents is an OCTET STRING with an RSA PKCS#1 v1.5 signature over SHA-1 of the ranges. */
export function x509RsaSha1(report: SignatureReport, buf: Buffer, ranges: Array<[number, number]>, contents: Buffer, certV: PdfValue | undefined, store: TrustStore, env: CheckEnv): void {
  let sig: Buffer;
  let cert;
  let others: Cert[] = [];
  try {
    sig = octets(readDer(contents));
    const list = Array.isArray(certV) ? certV : [certV];
    if (!(list[0] instanceof PdfString)) throw new Error('no /Cert');
    cert = parseCert(list[0].bytes);
    others = list.slice(1).flatMap(x => { try { return x instanceof PdfString ? [parseCert(x.bytes)] : []; } catch { return []; } });
  } catch (e) {
    return finish(report, ['FORMAT_FAILURE'], `adbe.x509.rsa_sha1: ${(e as Error).message}`);
  }
  report.signer = cert.subjectAttrs.CN ?? cert.subject;
  report.signerSubject = cert.subject;
  report.organization = cert.subjectAttrs.O ?? null;
  report.digestAlgorithm = 'sha1';
  report.signatureAlgorithm = 'rsa';
  const data = Buffer.concat(ranges.map(([s, l]) => buf.subarray(s, s + l)));
  let ok = false;
  try { ok = crypto.verify('sha1', data, { key: cert.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, sig); } catch { ok = false; }
  if (!ok) { report.integrity = 'signature-invalid'; return finish(report, ['SIG_CRYPTO_FAILURE']); }
  report.integrity = 'intact';
  report.warnings.push('CLAIMED_TIME_ONLY');
  const reasons: ReasonCode[] = ['WEAK_HASH_ALGORITHM', ...(weakKey(cert) ? ['WEAK_KEY_SIZE' as const] : [])];
  const chain = validateChain(cert, [...others, ...env.material.certs], store, env.material.crls, { at: env.poe ?? env.now, proven: env.poe !== null, usage: 'signing' });
  report.certificates = chain.path.map(certInfo);
  report.chain = chain.status;
  report.revocation = chain.revocation;
  finish(report, [...reasons, ...chain.reasons]);
}
