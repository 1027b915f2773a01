/** X.509 certificate facts we need for path building (RFC 5280 §4.1, §4.2), read from the DER. */
import crypto from 'node:crypto';
import { type Der, readDer, child, content, raw, oid, bits, smallInt, time, text, isCtx, DerError } from './der.js';
import { OID, NAME_LABELS } from './oids.js';

/** Key usage bit positions (RFC 5280 §4.2.1.3). */
export const KU = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

/** Extensions we understand; any other critical extension fails path validation (RFC 5280 §4.2). */
const KNOWN_EXTENSIONS = new Set<string>([
  OID.subjectKeyIdentifier, OID.keyUsage, OID.basicConstraints, OID.crlDistributionPoints, OID.certificatePolicies,
  OID.authorityKeyIdentifier, OID.extKeyUsage, OID.subjectAltName, OID.issuerAltName, OID.authorityInfoAccess,
  OID.ocspNoCheck, OID.policyConstraints, OID.inhibitAnyPolicy,
]);

/** A parsed certificate. */
export type Cert = {
  der: Buffer;
  tbs: Buffer;
  sigAlg: Der;
  signature: Buffer;
  serial: Buffer;
  issuerDer: Buffer;
  subjectDer: Buffer;
  issuer: string;
  subject: string;
  subjectAttrs: Record<string, string>;
  notBefore: Date;
  notAfter: Date;
  publicKey: crypto.KeyObject;
  ca: boolean;
  pathLen: number | null;
  /** Key usage bit set, or null when the extension is absent (= all usages). */
  keyUsage: number | null;
  eku: string[] | null;
  ski: Buffer | null;
  aki: Buffer | null;
  crlUrls: string[];
  ocspUrls: string[];
  unknownCritical: string[];
  ocspNoCheck: boolean;
  fingerprint256: string;
};

/** Render a Name as "CN=..., O=..., C=VN" (RFC 4514 order reversed is not needed for display). */
export function nameToString(name: Der): { text: string; attrs: Record<string, string> } {
  const parts: string[] = [];
  const attrs: Record<string, string> = {};
  for (const rdn of name.children) {
    for (const atv of rdn.children) {
      const o = oid(child(atv, 0));
      const label = NAME_LABELS[o] ?? o;
      const value = text(child(atv, 1)).normalize('NFC');
      parts.push(`${label}=${value}`);
      attrs[label] ??= value;
    }
  }
  return { text: parts.join(', '), attrs };
}

function hasBit(b: Buffer, i: number): boolean {
  const byte = b[i >> 3];
  return byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0;
}

/**
 * Parsed certificates by the SHA-256 of their DER, most recently used last. The same CA chain comes
 * with every signed mail; reading it (and building its public key) again for each one was a visible
 * part of the intake's CPU (docs/operations.md §Throughput). A Cert is never changed once parsed,
 * so one object serves every caller. Bounded: a flood of distinct certificates costs at most this many.
 */
const parsed = new Map<string, Cert>();
export const CERT_CACHE_SIZE = 256;

/** Parse a certificate from DER or PEM; throws DerError on malformed input. Parsed once per distinct DER. */
export function parseCert(input: Buffer): Cert {
  const der = toDer(input);
  const fingerprint256 = crypto.createHash('sha256').update(der).digest('hex');
  const known = parsed.get(fingerprint256);
  if (known) {
    parsed.delete(fingerprint256);
    parsed.set(fingerprint256, known);
    return known;
  }
  // Its own copy: `der` may be a slice of a whole PDF, which the cache must not keep alive.
  const cert = readCert(Buffer.from(der), fingerprint256);
  parsed.set(fingerprint256, cert);
  if (parsed.size > CERT_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  return cert;
}

function readCert(der: Buffer, fingerprint256: string): Cert {
  const root = readDer(der);
  const tbsN = child(root, 0, 'tbsCertificate');
  let i = 0;
  if (isCtx(tbsN.children[0]!, 0)) i = 1; // version [0]
  const serial = content(child(tbsN, i, 'serial'));
  const issuerN = child(tbsN, i + 2, 'issuer');
  const validity = child(tbsN, i + 3, 'validity');
  const subjectN = child(tbsN, i + 4, 'subject');
  const spki = child(tbsN, i + 5, 'subjectPublicKeyInfo');
  const cert: Cert = {
    der, tbs: raw(tbsN), sigAlg: child(root, 1), signature: bits(child(root, 2)), serial,
    issuerDer: raw(issuerN), subjectDer: raw(subjectN),
    issuer: nameToString(issuerN).text, subject: '', subjectAttrs: {},
    notBefore: time(child(validity, 0)), notAfter: time(child(validity, 1)),
    publicKey: crypto.createPublicKey({ key: raw(spki), format: 'der', type: 'spki' }),
    ca: false, pathLen: null, keyUsage: null, eku: null, ski: null, aki: null, crlUrls: [], ocspUrls: [],
    unknownCritical: [], ocspNoCheck: false,
    fingerprint256,
  };
  const s = nameToString(subjectN);
  cert.subject = s.text;
  cert.subjectAttrs = s.attrs;
  const extsN = tbsN.children.find(c => c.tag === 0xa3);
  for (const ext of extsN?.children[0]?.children ?? []) readExtension(cert, ext);
  return cert;
}

function readExtension(cert: Cert, ext: Der): void {
  const o = oid(child(ext, 0));
  const critical = ext.children.length === 3 && content(child(ext, 1))[0] !== 0;
  const value = readDer(content(child(ext, ext.children.length - 1)));
  if (critical && !KNOWN_EXTENSIONS.has(o)) cert.unknownCritical.push(o);
  switch (o) {
    case OID.basicConstraints:
      for (const c of value.children) {
        if (c.tag === 0x01) cert.ca = content(c)[0] !== 0;
        if (c.tag === 0x02) cert.pathLen = smallInt(c);
      }
      break;
    case OID.keyUsage: {
      const b = bits(value);
      let v = 0;
      for (let k = 0; k < 9; k++) if (hasBit(b, k)) v |= 1 << k;
      cert.keyUsage = v;
      break;
    }
    case OID.extKeyUsage:
      cert.eku = value.children.map(oid);
      break;
    case OID.subjectKeyIdentifier:
      cert.ski = content(value);
      break;
    case OID.authorityKeyIdentifier: {
      const k = value.children.find(c => isCtx(c, 0));
      if (k) cert.aki = content(k);
      break;
    }
    case OID.crlDistributionPoints:
      for (const dp of value.children) {
        const dpName = dp.children.find(c => c.tag === 0xa0);
        for (const gn of dpName?.children[0]?.children ?? []) if (gn.tag === 0x86) cert.crlUrls.push(content(gn).toString('latin1'));
      }
      break;
    case OID.authorityInfoAccess:
      for (const ad of value.children) {
        const loc = ad.children[1];
        if (oid(child(ad, 0)) === OID.ocspAccess && loc?.tag === 0x86) cert.ocspUrls.push(content(loc).toString('latin1'));
      }
      break;
    case OID.ocspNoCheck:
      cert.ocspNoCheck = true;
      break;
  }
}

/** Whether key usage allows bit `k` (absent extension allows everything, RFC 5280 §4.2.1.3). */
export function allows(cert: Cert, k: number): boolean {
  return cert.keyUsage === null || (cert.keyUsage & (1 << k)) !== 0;
}

/** Accept DER or one PEM block. */
export function toDer(input: Buffer): Buffer {
  if (input[0] === 0x30) return input;
  const m = input.toString('latin1').match(/-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/);
  if (!m) throw new DerError('neither DER nor PEM');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/** Split a PEM bundle (or a single DER) into DER blocks. */
export function splitPem(input: Buffer): Buffer[] {
  if (input[0] === 0x30) return [input];
  const out: Buffer[] = [];
  for (const m of input.toString('latin1').matchAll(/-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END/g)) {
    out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  }
  return out;
}
