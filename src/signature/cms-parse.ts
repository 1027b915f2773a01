/** CMS SignedData reader (RFC 5652 §5) keeping original bytes of the signed attributes. */
import { type Der, readDer, child, content, raw, oid, octets, isCtx, smallInt, DerError } from './der.js';
import { OID } from './oids.js';

/** One attribute: its OID and its values (RFC 5652 §5.3 Attribute). */
export type Attr = { oid: string; values: Der[] };

/** A SignerInfo with the nodes needed for verification. */
export type SignerInfo = {
  node: Der;
  sid: { issuer: Buffer; serial: Buffer } | { ski: Buffer };
  digestAlg: Der;
  /** The [0] IMPLICIT signedAttrs node, or null. */
  signedAttrs: Der | null;
  attrs: Attr[];
  sigAlg: Der;
  signature: Buffer;
  unsignedAttrs: Attr[];
};

/** A parsed SignedData. */
export type SignedData = {
  eContentType: string;
  eContent: Buffer | null;
  certificates: Buffer[];
  crls: Buffer[];
  signerInfos: SignerInfo[];
};

function attrsOf(n: Der): Attr[] {
  return n.children.map(a => ({ oid: oid(child(a, 0)), values: child(a, 1, 'attribute values').children }));
}

/** Parse a ContentInfo holding SignedData. Trailing zero padding after the outer TLV is ignored (PDF /Contents). */
export function parseSignedData(der: Buffer): SignedData {
  const ci = readDer(der);
  if (ci.tag !== 0x30) throw new DerError('ContentInfo is not a SEQUENCE');
  if (oid(child(ci, 0)) !== OID.signedData) throw new DerError('not SignedData');
  const sd = child(child(ci, 1, 'content'), 0, 'SignedData');
  let i = 0;
  smallInt(child(sd, i++, 'version'));
  child(sd, i++, 'digestAlgorithms');
  const encap = child(sd, i++, 'encapContentInfo');
  const eContentType = oid(child(encap, 0));
  const ec = encap.children[1];
  const eContent = ec && isCtx(ec, 0) ? octets(child(ec, 0)) : null;
  const certificates: Buffer[] = [];
  const crls: Buffer[] = [];
  while (sd.children[i] && (sd.children[i]!.tag & 0xe0) === 0xa0) {
    const n = sd.children[i++]!;
    // Only plain certificates (SEQUENCE) are kept; attribute certificates etc. are skipped.
    if (isCtx(n, 0)) for (const c of n.children) { if (c.tag === 0x30) certificates.push(raw(c)); }
    if (isCtx(n, 1)) for (const c of n.children) { if (c.tag === 0x30) crls.push(raw(c)); }
  }
  const sis = child(sd, i, 'signerInfos');
  if (sis.tag !== 0x31) throw new DerError('signerInfos is not a SET');
  return { eContentType, eContent, certificates, crls, signerInfos: sis.children.map(parseSignerInfo) };
}

function parseSignerInfo(n: Der): SignerInfo {
  let i = 0;
  smallInt(child(n, i++, 'SignerInfo version'));
  const sidN = child(n, i++, 'sid');
  const sid = sidN.tag === 0x30
    ? { issuer: raw(child(sidN, 0)), serial: content(child(sidN, 1)) }
    : { ski: content(sidN) };
  const digestAlg = child(n, i++, 'digestAlgorithm');
  let signedAttrs: Der | null = null;
  if (n.children[i]?.tag === 0xa0) signedAttrs = n.children[i++]!;
  const sigAlg = child(n, i++, 'signatureAlgorithm');
  const signature = octets(child(n, i++, 'signature'));
  const un = n.children[i];
  return {
    node: n, sid, digestAlg, signedAttrs, attrs: signedAttrs ? attrsOf(signedAttrs) : [], sigAlg, signature,
    unsignedAttrs: un?.tag === 0xa1 ? attrsOf(un) : [],
  };
}

/** Values of one attribute, or [] when absent; `count` tells how many times the attribute occurs. */
export function attr(list: Attr[], o: string): { values: Der[]; count: number } {
  const hits = list.filter(a => a.oid === o);
  return { values: hits.flatMap(h => h.values), count: hits.length };
}

/** Whether a SET's elements are in DER order (X.690 §11.6); signers should sort, many don't. */
export function isDerSorted(set: Der): boolean {
  for (let k = 1; k < set.children.length; k++) {
    if (Buffer.compare(raw(set.children[k - 1]!), raw(set.children[k]!)) > 0) return false;
  }
  return true;
}
