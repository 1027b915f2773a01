/** The agency's signing key from a PKCS#12 file (RFC 7292), read with node-forge, used with node:crypto. */
import crypto from 'node:crypto';
import forge from 'node-forge';
import { BridgeError } from '../../errors.js';
import { parseCert, type Cert } from '../cert.js';
import { issuedBy } from '../chain.js';

/** A private key with its certificate and the chain above it (DER, leaf first, no anchor needed). */
export type AgencyKey = {
  privateKey: crypto.KeyObject;
  certificate: Buffer;
  chain: Buffer[];
  /** Subject of the certificate, for logs and reports. */
  subject: string;
};

/** Build an AgencyKey from a KeyObject and DER certificates (leaf is the one matching the key). */
export function agencyKeyFrom(privateKey: crypto.KeyObject, certs: Buffer[]): AgencyKey {
  const pub = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const parsed = certs.map(d => parseCert(d));
  const leaf = parsed.find(c => Buffer.from(c.publicKey.export({ format: 'der', type: 'spki' })).equals(pub));
  if (!leaf) throw new BridgeError('KEY_UNAVAILABLE', 'no certificate in the PKCS#12 matches its private key');
  // Order the rest as a chain above the leaf (issuer of the previous one), dropping unrelated certificates.
  const chain: Cert[] = [];
  let cur: Cert = leaf;
  for (let i = 0; i < 8; i++) {
    const up = parsed.find(c => c !== cur && !chain.includes(c) && issuedBy(cur, c));
    if (!up || up.subjectDer.equals(up.issuerDer)) break;
    chain.push(up);
    cur = up;
  }
  return { privateKey, certificate: leaf.der, chain: chain.map(c => c.der), subject: leaf.subject };
}

/** Load the agency key and certificates from a PKCS#12 (3DES or AES); throws BridgeError KEY_UNAVAILABLE. */
export async function loadAgencyKey(p12: Buffer, password: string): Promise<AgencyKey> {
  let bags: Array<{ key?: forge.pki.PrivateKey | null; cert?: forge.pki.Certificate | null; asn1?: forge.asn1.Asn1 }>;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
    const o = forge.pki.oids;
    bags = [
      ...(pfx.getBags({ bagType: o.pkcs8ShroudedKeyBag! })[o.pkcs8ShroudedKeyBag!] ?? []),
      ...(pfx.getBags({ bagType: o.keyBag! })[o.keyBag!] ?? []),
      ...(pfx.getBags({ bagType: o.certBag! })[o.certBag!] ?? []),
    ] as typeof bags;
  } catch (cause) {
    throw new BridgeError('KEY_UNAVAILABLE', 'cannot open the PKCS#12 file (wrong password or damaged file)', { cause });
  }
  const toBuf = (a: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
  const keys: crypto.KeyObject[] = [];
  const certs: Buffer[] = [];
  for (const b of bags) {
    if (b.key) keys.push(crypto.createPrivateKey(forge.pki.privateKeyToPem(b.key)));
    else if (b.cert) certs.push(toBuf(forge.pki.certificateToAsn1(b.cert)));
    else if (b.asn1 && b.key === null) keys.push(crypto.createPrivateKey({ key: toBuf(b.asn1), format: 'der', type: 'pkcs8' }));
    else if (b.asn1) certs.push(toBuf(b.asn1));
  }
  if (keys.length !== 1) throw new BridgeError('KEY_UNAVAILABLE', `the PKCS#12 file holds ${keys.length} private keys, expected 1`);
  return agencyKeyFrom(keys[0]!, certs);
}
