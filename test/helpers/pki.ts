/**
 * Test PKI built in code (no binary fixtures): root, intermediate, agency and variants, TSA, CRLs.
 * Certificates are hand-built TBSCertificates (RFC 5280 §4.1) signed with node:crypto, so EC and PSS
 * work too. Built once per test process and cached. The keys come from a committed pool
 * (test/fixtures/keys/, docs/testing.md §Unit suite speed): RSA-2048 generation was most of the PKI's
 * cost in every file that signs; the certificates themselves are still built here, per process.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seq, setOf, ctx, ctxPrim, int, oidDer, octetString, bitString, bool, utf8, printable, timeDer, genTime, algId } from '../../src/signature/der-write.js';
import { readDer, child } from '../../src/signature/der.js';
import { OID } from '../../src/signature/oids.js';
import { buildSignedData, schemeFor } from '../../src/signature/seal/cms-build.js';
import { agencyKeyFrom, type AgencyKey } from '../../src/signature/seal/agency-key.js';

/** A certificate with its key. */
export type TestCert = { der: Buffer; pem: string; key: crypto.KeyObject; serial: bigint; name: Buffer };

/** The fixed "current time" of the tests: certificates and CRLs are laid out around it. */
export const NOW = new Date('2026-06-01T03:00:00Z');
/** Shorthand for a Date. */
export const d = (s: string) => new Date(s);

type Spec = {
  cn: string; o?: string; issuer?: TestCert; key?: crypto.KeyObject; serial: bigint;
  notBefore?: Date; notAfter?: Date; ca?: boolean; pathLen?: number; keyUsage?: number[];
  eku?: string[]; ekuCritical?: boolean; crl?: string; ocsp?: string; pss?: boolean;
};

const KEYS = fileURLToPath(new URL('../fixtures/keys/', import.meta.url));
const used = { rsa: 0, ec: 0 };
/** The next unused key of the pool, so keys within one process stay distinct; past the pool, a new one. */
function pooled(kind: 'rsa' | 'ec', fresh: () => crypto.KeyObject): crypto.KeyObject {
  const file = `${KEYS}${kind}-${String(++used[kind]).padStart(2, '0')}.pem`;
  return fs.existsSync(file) ? crypto.createPrivateKey(fs.readFileSync(file)) : fresh();
}
/** An RSA-2048 key not handed out before in this process. */
export const rsaKey = () => pooled('rsa', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
/** A P-256 key not handed out before in this process. */
export const ecKey = () => pooled('ec', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

/** Name ::= SEQUENCE OF RDN (C, O, CN). */
export function dn(cn: string, o = 'Cơ quan thử nghiệm'): Buffer {
  const rdn = (o_: string, v: Buffer) => setOf(seq(oidDer(o_), v));
  return seq(rdn(OID.country, printable('VN')), rdn(OID.organization, utf8(o)), rdn(OID.commonName, utf8(cn)));
}

/** The certificate signature AlgorithmIdentifier for an issuer key (RFC 4055, RFC 5758). */
function certAlg(key: crypto.KeyObject, pss: boolean): { alg: Buffer; sign: (b: Buffer) => Buffer } {
  if (key.asymmetricKeyType === 'ec') return { alg: algId('1.2.840.10045.4.3.2'), sign: b => crypto.sign('sha256', b, { key, dsaEncoding: 'der' }) };
  if (pss) { const s = schemeFor(key, 'sha256', true); return { alg: s.algorithm, sign: b => s.sign(b) as Buffer }; }
  return { alg: algId('1.2.840.113549.1.1.11', null), sign: b => crypto.sign('sha256', b, key) };
}

function keyUsageBits(bits: number[]): Buffer {
  const max = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  return bitString(bytes, unused);
}

const ext = (o: string, critical: boolean, value: Buffer) => seq(oidDer(o), ...(critical ? [bool(true)] : []), octetString(value));

function skiOf(key: crypto.KeyObject): Buffer {
  const spki = readDer(crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }));
  return crypto.createHash('sha1').update(child(spki, 1).buf.subarray(child(spki, 1).contentStart + 1, child(spki, 1).end)).digest();
}

/** Issue a certificate. */
export function issue(s: Spec): TestCert {
  const key = s.key ?? rsaKey();
  const name = dn(s.cn, s.o);
  const issuerName = s.issuer?.name ?? name;
  const issuerKey = s.issuer?.key ?? key;
  const { alg, sign } = certAlg(issuerKey, s.pss ?? false);
  const exts = [
    ext(OID.basicConstraints, true, seq(...(s.ca ? [bool(true)] : []), ...(s.pathLen !== undefined ? [int(s.pathLen)] : []))),
    ext(OID.keyUsage, true, keyUsageBits(s.keyUsage ?? (s.ca ? [5, 6] : [0, 1]))),
    ext(OID.subjectKeyIdentifier, false, octetString(skiOf(key))),
    ext(OID.authorityKeyIdentifier, false, seq(ctxPrim(0, skiOf(issuerKey)))),
    ...(s.eku ? [ext(OID.extKeyUsage, s.ekuCritical ?? false, seq(...s.eku.map(oidDer)))] : []),
    ...(s.crl ? [ext(OID.crlDistributionPoints, false, seq(seq(ctx(0, ctx(0, ctxPrim(6, Buffer.from(s.crl)))))))] : []),
    ...(s.ocsp ? [ext(OID.authorityInfoAccess, false, seq(seq(oidDer(OID.ocspAccess), ctxPrim(6, Buffer.from(s.ocsp)))))] : []),
  ];
  const tbs = seq(
    ctx(0, int(2)), int(s.serial), alg, issuerName,
    seq(timeDer(s.notBefore ?? d('2020-01-01T00:00:00Z')), timeDer(s.notAfter ?? d('2040-01-01T00:00:00Z'))),
    name, crypto.createPublicKey(key).export({ format: 'der', type: 'spki' }), ctx(3, seq(...exts)),
  );
  const der = seq(tbs, alg, bitString(sign(tbs)));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, key, serial: s.serial, name };
}

/** A v2 CRL (RFC 5280 §5.1) signed by `issuer`. */
export function makeCrl(issuer: TestCert, revoked: Array<{ serial: bigint; at: Date }>, thisUpdate = d('2026-05-01T00:00:00Z'), nextUpdate = d('2026-08-01T00:00:00Z')): Buffer {
  const { alg, sign } = certAlg(issuer.key, false);
  const entries = revoked.length ? [seq(...revoked.map(r => seq(int(r.serial), timeDer(r.at))))] : [];
  const tbs = seq(int(1), alg, issuer.name, timeDer(thisUpdate), timeDer(nextUpdate), ...entries);
  return seq(tbs, alg, bitString(sign(tbs)));
}

/** An RFC 3161 TimeStampToken over `data` (a signature value) at `at`, signed by `tsa`. */
export async function makeToken(tsa: TestCert, chain: TestCert[], data: Buffer, at: Date, serial = 1n, o: { imprint?: Buffer; nonce?: Buffer; hash?: 'sha1' | 'sha256' } = {}): Promise<Buffer> {
  const h = o.hash ?? 'sha256';
  const imprint = seq(algId(h === 'sha1' ? OID.sha1 : OID.sha256), octetString(o.imprint ?? crypto.createHash(h).update(data).digest()));
  const tst = seq(int(1), oidDer('1.2.3.4.5.1'), imprint, int(serial), genTime(at), ...(o.nonce ? [int(o.nonce)] : []));
  return buildSignedData({
    hash: 'sha256', contentDigest: crypto.createHash('sha256').update(tst).digest(), signerCert: tsa.der,
    chain: chain.map(c => c.der), scheme: schemeFor(tsa.key), eContent: { type: OID.tstInfo, bytes: tst }, essV1: true,
  });
}

/** The whole test PKI. */
export type Pki = ReturnType<typeof buildPki>;

function buildPki() {
  const root = issue({ cn: 'Test Root CA G2', o: 'Ban Cơ yếu Chính phủ (thử nghiệm)', serial: 1n, ca: true });
  const inter = issue({ cn: 'Test Sub CA', o: 'Ban Cơ yếu Chính phủ (thử nghiệm)', issuer: root, serial: 2n, ca: true, pathLen: 0, notBefore: d('2021-01-01T00:00:00Z'), notAfter: d('2036-01-01T00:00:00Z'), crl: 'http://ca.test/root.crl' });
  const leaf = (cn: string, serial: bigint, extra: Partial<Spec> = {}) => issue({
    cn, o: 'UBND tỉnh Thử Nghiệm', issuer: inter, serial, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z'),
    crl: 'http://ca.test/sub.crl', eku: ['1.3.6.1.5.5.7.3.4'], ...extra,
  });
  const agency = leaf('UBND tỉnh Thử Nghiệm', 100n);
  const leader = leaf('Nguyễn Văn Lãnh Đạo', 101n);
  const expired = leaf('Chứng thư hết hạn', 102n, { notBefore: d('2024-01-01T00:00:00Z'), notAfter: d('2025-12-31T00:00:00Z') });
  const revoked = leaf('Chứng thư bị thu hồi', 103n);
  const encOnly = leaf('Chỉ mã hóa', 104n, { keyUsage: [2, 3] });
  const ec = leaf('Ký ECDSA', 105n, { key: ecKey() });
  const pss = leaf('Ký RSA-PSS', 106n);
  const tsa = issue({ cn: 'Test TSA', o: 'Ban Cơ yếu Chính phủ (thử nghiệm)', issuer: inter, serial: 107n, keyUsage: [0, 1], eku: [OID.kpTimeStamping], ekuCritical: true, notBefore: d('2021-01-01T00:00:00Z'), notAfter: d('2035-01-01T00:00:00Z') });
  const ocspLeaf = leaf('Có OCSP', 108n, { crl: undefined, ocsp: 'http://ocsp.test/' });
  const rogueRoot = issue({ cn: 'Rogue Root', o: 'Kẻ giả mạo', serial: 900n, ca: true });
  const rogue = issue({ cn: 'UBND tỉnh Thử Nghiệm', o: 'UBND tỉnh Thử Nghiệm', issuer: rogueRoot, serial: 901n, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z') });
  const revokedAt = d('2026-03-01T00:00:00Z');
  const rootCrl = makeCrl(root, []);
  const subCrl = makeCrl(inter, [{ serial: revoked.serial, at: revokedAt }]);
  const key = (c: TestCert): AgencyKey => agencyKeyFrom(c.key, [c.der, inter.der]);
  /** Trust config with the test root and both CRLs. */
  const trust = { anchors: [root.der], crls: [rootCrl, subCrl] };
  // An ASCII-named branch: node-forge (under @signpdf) re-encodes UTF-8 names and breaks the CMS sid.
  const asciiRoot = issue({ cn: 'Test ASCII Root', o: 'Test Trust Services', serial: 50n, ca: true });
  const ascii = issue({ cn: 'Nguyen Van Ky', o: 'So Noi vu Thu Nghiem', issuer: asciiRoot, serial: 51n, notBefore: d('2025-01-01T00:00:00Z'), notAfter: d('2028-01-01T00:00:00Z'), eku: ['1.3.6.1.5.5.7.3.4'] });
  const asciiCrl = makeCrl(asciiRoot, []);
  /** Trust config with both roots and their CRLs. */
  const trustAll = { anchors: [root.der, asciiRoot.der], crls: [rootCrl, subCrl, asciiCrl] };
  return { root, inter, agency, leader, expired, revoked, encOnly, ec, pss, tsa, ocspLeaf, rogueRoot, rogue, rootCrl, subCrl, revokedAt, key, trust, asciiRoot, ascii, asciiCrl, trustAll };
}

let cached: Pki | undefined;
/** The cached test PKI. */
export function pki(): Pki {
  return (cached ??= buildPki());
}

/** A TSA client for sealPdf that stamps `at`. */
export function tsaAt(p: Pki, at: Date) {
  return (sig: Buffer) => makeToken(p.tsa, [p.inter], sig, at);
}
