/** Certification path building and validation (RFC 5280 §6, simplified) with revocation at the signing time. */
import { type Cert, KU, allows, parseCert, splitPem } from './cert.js';
import { type Crl, parseCrl, crlStatus } from './crl.js';
import { resolveSigAlg, verifySig } from './algorithms.js';
import { OID } from './oids.js';
import type { ReasonCode } from './reasons.js';

/** Trust configuration as Buffers (DER or PEM). */
export type TrustConfig = {
  anchors: Buffer[];
  intermediates?: Buffer[];
  crls?: Buffer[];
  /** Try OCSP when the certificate names a responder (default false). */
  ocsp?: boolean;
  /** Missing revocation information: 'require' → INDETERMINATE/TRY_LATER (default), 'soft' → accepted. */
  revocation?: 'require' | 'soft';
  /** OCSP transport (default: global fetch, POST application/ocsp-request). */
  ocspFetch?: (url: string, request: Buffer) => Promise<Buffer>;
};

/** Parsed trust material. */
export type TrustStore = { anchors: Cert[]; intermediates: Cert[]; crls: Crl[]; config: TrustConfig };

const cache = new WeakMap<TrustConfig, TrustStore>();

/** Parse the trust configuration once per config object; unreadable entries are skipped. */
export function trustStore(cfg: TrustConfig): TrustStore {
  const hit = cache.get(cfg);
  if (hit) return hit;
  const certs = (list: Buffer[] | undefined): Cert[] => (list ?? []).flatMap(b => splitPem(b)).flatMap(d => {
    try { return [parseCert(d)]; } catch { return []; }
  });
  const crls = (cfg.crls ?? []).flatMap(b => splitPem(b)).flatMap(d => {
    try { return [parseCrl(d)]; } catch { return []; }
  });
  const store = { anchors: certs(cfg.anchors), intermediates: certs(cfg.intermediates), crls, config: cfg };
  cache.set(cfg, store);
  return store;
}

/** Whether `issuer` issued `cert`: names, key identifiers, and the signature (RFC 5280 §6.1.3 (a)). */
export function issuedBy(cert: Cert, issuer: Cert): boolean {
  if (!cert.issuerDer.equals(issuer.subjectDer)) return false;
  if (cert.aki && issuer.ski && !cert.aki.equals(issuer.ski)) return false;
  try {
    return verifySig(resolveSigAlg(cert.sigAlg, null), issuer.publicKey, cert.tbs, cert.signature);
  } catch {
    return false;
  }
}

/** Build a path leaf → … → anchor from `pool`; null when none reaches an anchor. */
export function buildPath(leaf: Cert, pool: Cert[], anchors: Cert[]): Cert[] | null {
  const isAnchor = (c: Cert) => anchors.some(a => a.fingerprint256 === c.fingerprint256);
  const walk = (path: Cert[]): Cert[] | null => {
    const cur = path[path.length - 1]!;
    if (isAnchor(cur)) return path;
    if (path.length > 8) return null;
    for (const a of anchors) if (issuedBy(cur, a)) return [...path, a];
    for (const c of pool) {
      if (path.some(p => p.fingerprint256 === c.fingerprint256) || !issuedBy(cur, c)) continue;
      const found = walk([...path, c]);
      if (found) return found;
    }
    return null;
  };
  return walk([leaf]);
}

/** Options for validating one certificate path. */
export type PathCheck = {
  /** The time the certificate must have been valid: POE (timestamp) or validation time. */
  at: Date;
  /** Whether `at` is proven (a valid timestamp) or only the current time. */
  proven: boolean;
  usage: 'signing' | 'timestamping';
};

/** Result of validating a signer or TSA certificate. */
export type ChainResult = {
  status: 'trusted' | 'untrusted' | 'invalid';
  path: Cert[];
  reasons: ReasonCode[];
  revocation: 'good' | 'revoked' | 'unknown' | 'not-checked';
  revokedAt?: Date;
  /** Positions in `path` whose revocation status is unknown (0 = the leaf). */
  unknown: number[];
};

/** Validate `leaf` against the trust store at `opts.at`, with CRLs from the store and `extraCrls`. */
export function validateChain(leaf: Cert, pool: Cert[], store: TrustStore, extraCrls: Crl[], opts: PathCheck): ChainResult {
  const path = buildPath(leaf, [...pool, ...store.intermediates], store.anchors);
  if (!path) return { status: 'untrusted', path: [leaf], reasons: ['NO_CERTIFICATE_CHAIN_FOUND'], revocation: 'not-checked', unknown: [] };
  const reasons: ReasonCode[] = [];
  // Leaf key usage: digitalSignature or nonRepudiation for signing (RFC 5280 §4.2.1.3); TSA EKU (RFC 3161 §2.3).
  if (opts.usage === 'signing' && !allows(leaf, KU.digitalSignature) && !allows(leaf, KU.nonRepudiation)) reasons.push('CHAIN_CONSTRAINTS_FAILURE');
  if (opts.usage === 'timestamping' && !(leaf.eku ?? []).includes(OID.kpTimeStamping)) reasons.push('CHAIN_CONSTRAINTS_FAILURE');
  // CA constraints for every issuer below the anchor (basicConstraints cA, keyCertSign, pathLen).
  for (let i = 1; i < path.length - 1; i++) {
    const ca = path[i]!;
    if (!ca.ca || !allows(ca, KU.keyCertSign)) reasons.push('CERTIFICATE_CHAIN_GENERAL_FAILURE');
    if (ca.pathLen !== null && i - 1 > ca.pathLen) reasons.push('CERTIFICATE_CHAIN_GENERAL_FAILURE');
  }
  const anchor = path[path.length - 1]!;
  if (path.length > 1 && anchor.pathLen !== null && path.length - 2 > anchor.pathLen) reasons.push('CERTIFICATE_CHAIN_GENERAL_FAILURE');
  for (const c of path.slice(0, -1)) if (c.unknownCritical.length) reasons.push('CERTIFICATE_CHAIN_GENERAL_FAILURE');
  // Validity at the (proven) time (EN 319 102-1 §5.2.6, §5.6.2.4). A signer that is itself the trust
  // anchor is still checked: being trusted does not make an expired certificate valid.
  for (const c of path.length === 1 ? path : path.slice(0, -1)) {
    if (opts.at < c.notBefore) reasons.push(opts.proven ? 'NOT_YET_VALID' : 'OUT_OF_BOUNDS_NO_POE');
    else if (opts.at > c.notAfter) reasons.push(opts.proven ? 'EXPIRED' : 'OUT_OF_BOUNDS_NO_POE');
  }
  // Revocation of every certificate below the anchor.
  const crls = [...store.crls, ...extraCrls];
  // 'good' only when some certificate was checked; a path of the anchor alone checks nothing.
  let revocation: ChainResult['revocation'] = path.length > 1 ? 'good' : 'not-checked';
  let revokedAt: Date | undefined;
  const unknown: number[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const st = crlStatus(path[i]!, path[i + 1]!, crls, opts.at);
    if (st.status === 'revoked' && st.revokedAt! <= opts.at) {
      revocation = 'revoked';
      revokedAt = st.revokedAt;
      reasons.push(i > 0 ? 'REVOKED_CA_NO_POE' : opts.proven ? 'REVOKED' : 'REVOKED_NO_POE');
    } else if (st.status === 'unknown') {
      unknown.push(i);
      if (revocation === 'good') revocation = 'unknown';
    }
  }
  const uniq = [...new Set(reasons)];
  return { status: uniq.length ? 'invalid' : 'trusted', path, reasons: uniq, revocation, revokedAt, unknown };
}
