/** X.509 CRLs (RFC 5280 §5): parse, check the issuer's signature, look up a serial. */
import { readDer, child, content, raw, time, isCtx, bits } from './der.js';
import { type Cert, KU, allows } from './cert.js';
import { resolveSigAlg, verifySig } from './algorithms.js';

/** A parsed CRL. */
export type Crl = {
  der: Buffer;
  tbs: Buffer;
  sigAlg: ReturnType<typeof readDer>;
  signature: Buffer;
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: Map<string, Date>;
};

/** Parse a CRL from DER or PEM; throws DerError on malformed input. */
export function parseCrl(der: Buffer): Crl {
  const root = readDer(der);
  const tbsN = child(root, 0, 'tbsCertList');
  let i = 0;
  if (tbsN.children[0]?.tag === 0x02) i++; // version
  i++; // signature AlgorithmIdentifier (must equal outer; outer is what we verify with)
  const issuerN = child(tbsN, i++, 'issuer');
  const thisUpdate = time(child(tbsN, i++, 'thisUpdate'));
  let nextUpdate: Date | null = null;
  const nu = tbsN.children[i];
  if (nu && (nu.tag === 0x17 || nu.tag === 0x18)) { nextUpdate = time(nu); i++; }
  const revoked = new Map<string, Date>();
  const rc = tbsN.children[i];
  if (rc && rc.tag === 0x30) {
    for (const entry of rc.children) {
      revoked.set(content(child(entry, 0)).toString('hex'), time(child(entry, 1)));
    }
  }
  if (rc && !(rc.tag === 0x30 || isCtx(rc, 0))) throw new Error('unexpected CRL field');
  return {
    der: raw(root), tbs: raw(tbsN), sigAlg: child(root, 1), signature: bits(child(root, 2)),
    issuerDer: raw(issuerN), thisUpdate, nextUpdate, revoked,
  };
}

/** Whether `issuer` signed this CRL and may sign CRLs (RFC 5280 §6.3.3 (f), keyUsage cRLSign). */
export function crlSignedBy(crl: Crl, issuer: Cert): boolean {
  if (!crl.issuerDer.equals(issuer.subjectDer) || !allows(issuer, KU.cRLSign)) return false;
  try {
    return verifySig(resolveSigAlg(crl.sigAlg, null), issuer.publicKey, crl.tbs, crl.signature);
  } catch {
    return false;
  }
}

/**
 * Revocation status of `cert` at time `at` from CRLs signed by `issuer`. Any CRL proves a revocation
 * date; "good" needs a CRL that was current at `at` (issued after it, or with nextUpdate not before it),
 * otherwise the status is unknown (EN 319 102-1 §5.2.5 revocation freshness; RFC 5280 §6.3.3 (a)).
 */
export function crlStatus(cert: Cert, issuer: Cert, crls: Crl[], at: Date): { status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date } {
  const mine = crls.filter(c => crlSignedBy(c, issuer));
  const serial = cert.serial.toString('hex');
  for (const c of mine) {
    const when = c.revoked.get(serial);
    if (when) return { status: 'revoked', revokedAt: when };
  }
  const fresh = mine.some(c => c.thisUpdate >= at || (c.nextUpdate !== null && c.nextUpdate >= at && c.thisUpdate <= at));
  return { status: fresh ? 'good' : 'unknown' };
}
