/**
 * CMS SignedData writer (RFC 5652 §5) for PAdES baseline B-B signatures (EN 319 142-1 §6.3) and for
 * RFC 3161 tokens in tests. node-forge cannot write signing-certificate-v2 (it writes an empty SET
 * for attributes it does not know; docs/signatures.md §Sealing outgoing documents), so the structure is built by hand and the raw signature comes
 * from a pluggable signer.
 */
import crypto from 'node:crypto';
import { seq, setOf, ctx, int, oidDer, octetString, timeDer, algId, tlv } from '../der-write.js';
import { readDer, child, content, raw } from '../der.js';
import { DIGEST_OID, OID } from '../oids.js';

/** Signs bytes; returns the raw signature value (PKCS#1, PSS or DER ECDSA). */
export type RawSigner = (data: Buffer) => Buffer | Promise<Buffer>;

/** How to sign with a key: the AlgorithmIdentifier to announce and the signer. */
export type SignatureScheme = { algorithm: Buffer; sign: RawSigner };

/** Pick the signature algorithm for a private key (RSA PKCS#1 v1.5 or PSS, ECDSA, Ed25519; RFC 4055, 5758, 8419). */
export function schemeFor(key: crypto.KeyObject, hash = 'sha256', pss = false): SignatureScheme {
  const t = key.asymmetricKeyType;
  if (t === 'ec') {
    const o = { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' }[hash]!;
    return { algorithm: algId(o), sign: d => crypto.sign(hash, d, { key, dsaEncoding: 'der' }) };
  }
  if (t === 'ed25519') return { algorithm: algId(OID.ed25519), sign: d => crypto.sign(null, d, key) };
  if (pss || t === 'rsa-pss') {
    const h = algId(DIGEST_OID[hash]!);
    const saltLength = crypto.createHash(hash).digest().length;
    const params = seq(ctx(0, h), ctx(1, algId(OID.mgf1, h)), ctx(2, int(saltLength)));
    return { algorithm: algId(OID.rsaPss, params), sign: d => crypto.sign(hash, d, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength }) };
  }
  return { algorithm: algId(OID.rsaEncryption, null), sign: d => crypto.sign(hash, d, { key, padding: crypto.constants.RSA_PKCS1_PADDING }) };
}

/** Input for one SignedData with one SignerInfo. */
export type CmsInput = {
  hash: string;
  /** Hash of the detached content, or of `eContent` when given. */
  contentDigest: Buffer;
  signerCert: Buffer;
  /** Certificates to embed after the signer's (intermediates). */
  chain?: Buffer[];
  scheme: SignatureScheme;
  signingTime?: Date;
  /** Encapsulated content (TSTInfo for RFC 3161 tokens); detached id-data when absent. */
  eContent?: { type: string; bytes: Buffer };
  /** Extra signed attributes (full Attribute DER). */
  extraSignedAttrs?: Buffer[];
  /** Use ESS signing-certificate v1 (SHA-1, RFC 2634) instead of v2 (RFC 5035), as many TSAs do. */
  essV1?: boolean;
  /** Produce unsorted signed attributes (tests of the verifier's tolerance only). */
  unsortedAttrs?: boolean;
  /** Sign the content itself, without signed attributes (old adbe.pkcs7.detached signers; tests only). */
  noSignedAttrs?: Buffer;
};

/** An Attribute ::= SEQUENCE { attrType, attrValues SET }. */
export const attribute = (o: string, ...values: Buffer[]): Buffer => seq(oidDer(o), setOf(...values));

/** ESSCertIDv2 / ESSCertID with issuerSerial (RFC 5035 §4, RFC 2634 §5.4.1). */
function essAttribute(certDer: Buffer, v1: boolean): Buffer {
  const cert = readDer(certDer);
  const tbs = child(cert, 0);
  const off = tbs.children[0]!.tag === 0xa0 ? 1 : 0;
  const issuer = raw(child(tbs, off + 2));
  const serial = int(content(child(tbs, off)));
  const issuerSerial = seq(seq(ctx(4, issuer)), serial);
  if (v1) {
    const h = crypto.createHash('sha1').update(certDer).digest();
    return attribute(OID.signingCertificate, seq(seq(seq(octetString(h), issuerSerial))));
  }
  const h = crypto.createHash('sha256').update(certDer).digest();
  // hashAlgorithm DEFAULT sha256 is omitted, as DER requires for defaults.
  return attribute(OID.signingCertificateV2, seq(seq(seq(octetString(h), issuerSerial))));
}

/** Build the signed attributes, sign them, and return the SignerInfo pieces. */
export async function buildSignerInfo(input: CmsInput, unsigned: Buffer[] = []): Promise<{ signerInfo: Buffer; signature: Buffer }> {
  const cert = readDer(input.signerCert);
  const tbs = child(cert, 0);
  const off = tbs.children[0]!.tag === 0xa0 ? 1 : 0;
  const sid = seq(raw(child(tbs, off + 2)), int(content(child(tbs, off))));
  const attrs = [
    attribute(OID.contentType, oidDer(input.eContent?.type ?? OID.data)),
    attribute(OID.messageDigest, octetString(input.contentDigest)),
    ...(input.signingTime ? [attribute(OID.signingTime, timeDer(input.signingTime))] : []),
    essAttribute(input.signerCert, input.essV1 ?? false),
    ...(input.extraSignedAttrs ?? []),
  ];
  // RFC 5652 §5.4: sign the DER SET OF (sorted); store it with the [0] IMPLICIT tag.
  const ordered = input.unsortedAttrs ? [...attrs].sort(Buffer.compare).reverse() : [...attrs].sort(Buffer.compare);
  const setBytes = tlv(0x31, ...ordered);
  const signature = await input.scheme.sign(input.noSignedAttrs ?? setBytes);
  const signedAttrs = Buffer.concat([Buffer.from([0xa0]), setBytes.subarray(1)]);
  const digestAlg = algId(DIGEST_OID[input.hash]!);
  const parts = [int(1), sid, digestAlg, ...(input.noSignedAttrs ? [] : [signedAttrs]), input.scheme.algorithm, octetString(signature)];
  if (unsigned.length) parts.push(tlv(0xa1, ...[...unsigned].sort(Buffer.compare)));
  return { signerInfo: seq(...parts), signature };
}

/** Assemble ContentInfo(SignedData) around one SignerInfo. */
export function assembleSignedData(input: CmsInput, signerInfo: Buffer, crls: Buffer[] = []): Buffer {
  const digestAlg = algId(DIGEST_OID[input.hash]!);
  const encap = input.eContent
    ? seq(oidDer(input.eContent.type), ctx(0, octetString(input.eContent.bytes)))
    : seq(oidDer(OID.data));
  const certs = [input.signerCert, ...(input.chain ?? [])];
  const parts = [int(input.eContent ? 3 : 1), setOf(digestAlg), encap, tlv(0xa0, ...certs)];
  if (crls.length) parts.push(tlv(0xa1, ...crls));
  parts.push(setOf(signerInfo));
  return seq(oidDer(OID.signedData), ctx(0, seq(...parts)));
}

/**
 * Build a complete SignedData. `unsignedFor(signature)` may return unsigned attributes computed from
 * the signature value (a signature timestamp token, RFC 3161 Appendix A).
 */
export async function buildSignedData(input: CmsInput, unsignedFor?: (signature: Buffer) => Promise<Buffer[]>): Promise<Buffer> {
  const first = await buildSignerInfo(input);
  if (!unsignedFor) return assembleSignedData(input, first.signerInfo);
  const unsigned = await unsignedFor(first.signature);
  if (unsigned.length === 0) return assembleSignedData(input, first.signerInfo);
  // Re-assemble the same SignerInfo with the unsigned attributes (the signature value is unchanged).
  const si = readDer(first.signerInfo);
  const body = si.children.map(raw);
  return assembleSignedData(input, seq(...body, tlv(0xa1, ...[...unsigned].sort(Buffer.compare))));
}
