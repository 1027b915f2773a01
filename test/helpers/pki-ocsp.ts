/** A test OCSP responder (RFC 6960 §4.2.1): builds signed BasicOCSPResponses in memory. */
import crypto from 'node:crypto';
import { seq, ctx, ctxPrim, oidDer, octetString, bitString, genTime, algId, tlv } from '../../src/signature/der-write.js';
import { OID } from '../../src/signature/oids.js';
import { readDer, child, raw } from '../../src/signature/der.js';
import type { TestCert } from './pki.js';

/** Answer an OCSPRequest with `status` for the CertID it asks about, signed by `signer`. */
export function ocspAnswer(request: Buffer, signer: TestCert, status: { revokedAt?: Date }, at: Date): Buffer {
  const certId = raw(child(child(child(child(readDer(request), 0), 0), 0), 0));
  const certStatus = status.revokedAt ? ctx(1, genTime(status.revokedAt)) : ctxPrim(0, Buffer.alloc(0));
  const tbs = seq(ctx(1, signer.name), genTime(at), seq(seq(certId, certStatus, genTime(at))));
  const sig = crypto.sign('sha256', tbs, signer.key);
  const basic = seq(tbs, algId('1.2.840.113549.1.1.11', null), bitString(sig));
  return seq(tlv(0x0a, Buffer.from([0])), ctx(0, seq(oidDer(OID.ocspBasic), octetString(basic))));
}
