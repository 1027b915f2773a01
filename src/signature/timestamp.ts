/**
 * RFC 3161 timestamps, as signature timestamps (POE of a signature value) and as document
 * timestamps (ETSI.RFC3161, ISO 32000-2 §12.8.5), checked in a strict validator's order: the
 * imprint (HASH_FAILURE), the token's own signature, then time, algorithm strength and the TSA's
 * chain, built from every certificate the document carries (EN 319 102-1 §5.4).
 */
import crypto from 'node:crypto';
import { readDer, child, octets, time, oid } from './der.js';
import { parseSignedData } from './cms-parse.js';
import { checkSigner, certsOf, weakKey } from './cms-verify.js';
import { digestOf } from './algorithms.js';
import { validateChain, type TrustStore } from './chain.js';
import { parseCrl, type Crl } from './crl.js';
import type { Cert } from './cert.js';
import { OID } from './oids.js';
import type { ReasonCode, WarningCode } from './reasons.js';

/** Outcome of one timestamp: only `valid` gives a proof of existence at `genTime`. */
export type TimestampStatus = 'valid' | 'malformed' | 'hash-failure' | 'invalid' | 'untrusted' | 'expired' | 'weak' | 'chain-invalid';

/** A checked timestamp. */
export type TimestampCheck = { status: TimestampStatus; genTime: Date | null; tsa: string | null; tsaCert: Cert | null; detail: string };

/** Where the TSA's chain is validated: at `at` (the validation time, or a later POE when `proven`). */
export type TimestampContext = { now: Date; at: Date; proven: boolean; pool: Cert[]; crls: Crl[] };

/** The reason a document timestamp gets for each status (a signature timestamp only warns). */
export const TIMESTAMP_REASON: Record<Exclude<TimestampStatus, 'valid'>, ReasonCode> = {
  malformed: 'FORMAT_FAILURE', 'hash-failure': 'HASH_FAILURE', invalid: 'SIG_CRYPTO_FAILURE', untrusted: 'TIMESTAMP_CHAIN_UNTRUSTED',
  expired: 'TIMESTAMP_CERT_EXPIRED', weak: 'TIMESTAMP_WEAK_ALGORITHM', 'chain-invalid': 'TIMESTAMP_CHAIN_INVALID',
};

/** The warning a signature timestamp gives for each status. */
export const TIMESTAMP_WARNING: Record<Exclude<TimestampStatus, 'valid'>, WarningCode> = {
  malformed: 'TIMESTAMP_INVALID', 'hash-failure': 'TIMESTAMP_INVALID', invalid: 'TIMESTAMP_INVALID', untrusted: 'TIMESTAMP_UNTRUSTED',
  expired: 'TIMESTAMP_EXPIRED', weak: 'TIMESTAMP_WEAK', 'chain-invalid': 'TIMESTAMP_INVALID',
};

/**
 * Verify a token over `imprintOf`: a signature value (hashed here) or a function giving the hash of
 * the signed ranges of a document timestamp (RFC 3161 §2.4.2, RFC 5816).
 */
export function checkTimestamp(token: Buffer, imprintOf: Buffer | ((hashName: string) => Buffer), store: TrustStore, ctx: TimestampContext): TimestampCheck {
  const res: TimestampCheck = { status: 'malformed', genTime: null, tsa: null, tsaCert: null, detail: '' };
  const done = (status: TimestampStatus, detail: string): TimestampCheck => Object.assign(res, { status, detail });
  let sd, tst, hashName: string, weakImprint: boolean;
  try {
    sd = parseSignedData(token);
    if (sd.eContentType !== OID.tstInfo || !sd.eContent || sd.signerInfos.length < 1) return done('malformed', 'not a TimeStampToken');
    tst = readDer(sd.eContent);
    const d = digestOf(child(child(tst, 2, 'messageImprint'), 0));
    hashName = d.name;
    weakImprint = d.weak;
    oid(child(tst, 1, 'policy'));
    res.genTime = time(child(tst, 4, 'genTime'));
  } catch (e) {
    return done('malformed', `token unreadable: ${(e as Error).message}`);
  }
  const expected = Buffer.isBuffer(imprintOf) ? crypto.createHash(hashName).update(imprintOf).digest() : imprintOf(hashName);
  if (!octets(child(child(tst, 2), 1)).equals(expected)) return done('hash-failure', 'the message imprint does not match');
  const certs = certsOf(sd);
  const eContent = sd.eContent!;
  const check = checkSigner(sd, sd.signerInfos[0]!, [...certs, ...ctx.pool, ...store.intermediates], n => crypto.createHash(n).update(eContent).digest(), false);
  const tsaCert = check.signerCert;
  res.tsaCert = tsaCert;
  res.tsa = tsaCert ? tsaCert.subjectAttrs.CN ?? tsaCert.subject : null;
  if (check.integrity === 'hash-mismatch') return done('hash-failure', 'the token\'s TSTInfo does not match its signature');
  if (check.integrity !== 'intact' || !tsaCert) return done(tsaCert ? 'invalid' : 'untrusted', tsaCert ? 'the token\'s signature does not verify' : 'the TSA certificate is not in the file');
  // A token from the future, or outside its TSA certificate's validity, proves nothing (RFC 3161 §4.1).
  const genTime = res.genTime!;
  if (genTime.getTime() > ctx.now.getTime() + 5 * 60_000) return done('invalid', 'generated in the future');
  if (genTime < tsaCert.notBefore || genTime > tsaCert.notAfter) return done('invalid', 'generated outside the TSA certificate\'s validity');
  if (weakImprint || check.reasons.includes('WEAK_HASH_ALGORITHM') || check.reasons.includes('WEAK_KEY_SIZE') || weakKey(tsaCert)) return done('weak', 'SHA-1/MD5 or a short key');
  if (check.reasons.length) return done('invalid', check.reasons.join(', '));
  const crls: Crl[] = [...sd.crls.flatMap(x => { try { return [parseCrl(x)]; } catch { return []; } }), ...ctx.crls];
  const chain = validateChain(tsaCert, [...certs, ...ctx.pool], store, crls, { at: ctx.at, proven: ctx.proven, usage: 'timestamping' });
  // TSA revocation is soft: unknown status is accepted, a revocation is not.
  if (chain.status === 'untrusted') return done('untrusted', 'no chain to a trust anchor');
  if (chain.reasons.some(r => r === 'OUT_OF_BOUNDS_NO_POE' || r === 'EXPIRED' || r === 'NOT_YET_VALID')) return done('expired', `the TSA certificate is not valid at ${ctx.at.toISOString()}`);
  if (chain.status !== 'trusted') return done('chain-invalid', chain.reasons.join(', '));
  return done('valid', 'valid');
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
