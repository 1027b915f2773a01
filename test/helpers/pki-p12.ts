/** A test certificate and its chain as the PKCS#12 file an agency receives from its CA (node-forge). */
import forge from 'node-forge';
import type { TestCert } from './pki.js';

/** PKCS#12 bytes of `cert` (with its key) and `chain`, protected by `password` (3DES, as CAs still issue). */
export function p12Of(cert: TestCert, chain: TestCert[], password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(cert.key.export({ format: 'pem', type: 'pkcs8' }) as string);
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert, ...chain].map(c => forge.pki.certificateFromPem(c.pem)), password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
