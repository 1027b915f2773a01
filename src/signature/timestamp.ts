/** RFC 3161 signature timestamps: the proof of existence (POE) of a signature value (EN 319 102-1 §5.4). */
import crypto from 'node:crypto';
import { readDer, child, octets, time, oid } from './der.js';
import { parseSignedData } from './cms-parse.js';
import { checkSigner, certsOf } from './cms-verify.js';
import { digestOf } from './algorithms.js';
import { validateChain, type TrustStore } from './chain.js';
import { parseCrl, type Crl } from './crl.js';
import { OID } from './oids.js';
import type { WarningCode } from './reasons.js';

/** A checked timestamp: `genTime` is usable as POE only when `ok`. */
export type TimestampCheck = { ok: boolean; genTime: Date | null; tsa: string | null; warning?: WarningCode };

/**
 * Verify a timestamp token over `imprintOf` (a signature value, or a hash function of the signed
 * ranges for a document timestamp) (RFC 3161 §2.4.2, RFC 5816): TSTInfo
 * messageImprint = hash(signature value), the token's own CMS signature, and a TSA certificate with
 * id-kp-timeStamping chaining to a trust anchor, valid at `now`.
 */
export function checkTimestamp(token: Buffer, imprintOf: Buffer | ((hashName: string) => Buffer), store: TrustStore, now: Date): TimestampCheck {
  const bad: TimestampCheck = { ok: false, genTime: null, tsa: null, warning: 'TIMESTAMP_INVALID' };
  try {
    const sd = parseSignedData(token);
    if (sd.eContentType !== OID.tstInfo || !sd.eContent || sd.signerInfos.length !== 1) return bad;
    const tst = readDer(sd.eContent);
    const imprint = child(tst, 2, 'messageImprint');
    const hashName = digestOf(child(imprint, 0)).name;
    if (hashName === 'sha1' || hashName === 'md5') return bad;
    const expected = Buffer.isBuffer(imprintOf) ? crypto.createHash(hashName).update(imprintOf).digest() : imprintOf(hashName);
    if (!octets(child(imprint, 1)).equals(expected)) return bad;
    oid(child(tst, 1, 'policy'));
    const genTime = time(child(tst, 4, 'genTime'));
    const certs = certsOf(sd);
    const eContent = sd.eContent;
    const check = checkSigner(sd, sd.signerInfos[0]!, [...certs, ...store.intermediates], n => crypto.createHash(n).update(eContent).digest(), false);
    if (check.integrity !== 'intact' || !check.signerCert || check.reasons.length) return { ...bad, genTime };
    const crls: Crl[] = sd.crls.flatMap(d => { try { return [parseCrl(d)]; } catch { return []; } });
    const chain = validateChain(check.signerCert, certs, store, crls, { at: now, proven: false, usage: 'timestamping' });
    const tsa = check.signerCert.subjectAttrs.CN ?? check.signerCert.subject;
    // A token from the future, or outside its TSA certificate's validity, proves nothing (RFC 3161 §4.1).
    const tsaCert = check.signerCert;
    if (genTime.getTime() > now.getTime() + 5 * 60_000 || genTime < tsaCert.notBefore || genTime > tsaCert.notAfter) return { ok: false, genTime, tsa, warning: 'TIMESTAMP_INVALID' };
    // TSA revocation is soft: unknown status is accepted, a revocation is not.
    if (chain.status !== 'trusted') {
      return { ok: false, genTime, tsa, warning: chain.reasons.includes('NO_CERTIFICATE_CHAIN_FOUND') ? 'TIMESTAMP_UNTRUSTED' : 'TIMESTAMP_INVALID' };
    }
    return { ok: true, genTime, tsa };
  } catch {
    return bad;
  }
}

/** Read genTime from a token without checking it (for display only). */
export function tokenGenTime(token: Buffer): Date | null {
  try {
    const sd = parseSignedData(token);
    return sd.eContent ? time(child(readDer(sd.eContent), 4)) : null;
  } catch {
    return null;
  }
}
