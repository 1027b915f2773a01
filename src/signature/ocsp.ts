/** OCSP (RFC 6960): a request for one certificate, and the checks on the BasicOCSPResponse. */
import crypto from 'node:crypto';
import { readDer, child, content, raw, bits, octets, oid, time, isCtx, type Der } from './der.js';
import { seq, octetString, int, algId } from './der-write.js';
import { type Cert, parseCert } from './cert.js';
import { issuedBy, type TrustStore } from './chain.js';
import { resolveSigAlg, verifySig } from './algorithms.js';
import { OID } from './oids.js';

/** OCSP outcome for a path: the first certificate whose status is known decides. */
export type OcspResult = { status: 'good' | 'revoked' | 'unavailable'; revokedAt?: Date };

/** CertID (RFC 6960 §4.1.1) with SHA-1, as every responder supports it; it is an identifier, not a signature. */
export function certId(cert: Cert, issuer: Cert): Buffer {
  const spki = readDer(issuer.publicKey.export({ format: 'der', type: 'spki' }));
  const nameHash = crypto.createHash('sha1').update(issuer.subjectDer).digest();
  const keyHash = crypto.createHash('sha1').update(bits(child(spki, 1))).digest();
  return seq(algId(OID.sha1, null), octetString(nameHash), octetString(keyHash), int(cert.serial));
}

/** An OCSPRequest for `cert` (RFC 6960 §4.1.1), unsigned, without nonce. */
export function ocspRequest(cert: Cert, issuer: Cert): Buffer {
  return seq(seq(seq(seq(certId(cert, issuer)))));
}

/**
 * Parse and check an OCSPResponse: signed by the issuer or by a delegated responder the issuer
 * certified with id-kp-OCSPSigning (RFC 6960 §4.2.2.2), and naming our CertID.
 */
export function parseOcspResponse(der: Buffer, cert: Cert, issuer: Cert): OcspResult {
  const resp = readDer(der);
  if (content(child(resp, 0))[0] !== 0) return { status: 'unavailable' };
  const rb = child(child(resp, 1), 0);
  if (oid(child(rb, 0)) !== OID.ocspBasic) return { status: 'unavailable' };
  const basic = readDer(octets(child(rb, 1)));
  const tbs = child(basic, 0);
  const sigOk = (signer: Cert) => verifySig(resolveSigAlg(child(basic, 1), null), signer.publicKey, raw(tbs), bits(child(basic, 2)));
  let signedOk = sigOk(issuer);
  if (!signedOk) {
    const certsN = basic.children.find(n => isCtx(n, 0));
    for (const c of certsN?.children[0]?.children ?? []) {
      const rc = parseCert(raw(c));
      if ((rc.eku ?? []).includes(OID.kpOcspSigning) && issuedBy(rc, issuer) && sigOk(rc)) { signedOk = true; break; }
    }
  }
  if (!signedOk) return { status: 'unavailable' };
  const want = certId(cert, issuer);
  const responses = tbs.children.find((n, i) => i > 0 && n.tag === 0x30 && n.children[0]?.tag === 0x30);
  for (const single of responses?.children ?? []) {
    if (!raw(child(single, 0)).equals(want)) continue;
    const st: Der = child(single, 1);
    if (isCtx(st, 0)) return { status: 'good' };
    if (isCtx(st, 1)) return { status: 'revoked', revokedAt: time(child(st, 0)) };
    return { status: 'unavailable' };
  }
  return { status: 'unavailable' };
}

/** POST application/ocsp-request (RFC 6960 Appendix A.1) over the caller's fetch. */
export function ocspOverFetch(fetchImpl: typeof globalThis.fetch) {
  return async (url: string, body: Buffer): Promise<Buffer> => {
    const r = await fetchImpl(url, { method: 'POST', body, headers: { 'content-type': 'application/ocsp-request' }, signal: AbortSignal.timeout(5000) });
    if (!r.ok) throw new Error(`OCSP HTTP ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  };
}

/** Ask the responder named in the leaf's AIA (RFC 5280 §4.2.2.1) about the leaf; never throws. */
export async function ocspStatus(path: Cert[], store: TrustStore, fetchImpl?: typeof globalThis.fetch): Promise<OcspResult> {
  const [leaf, issuer] = path;
  if (!leaf || !issuer || leaf.ocspUrls.length === 0) return { status: 'unavailable' };
  const transport = store.config.ocspFetch ?? (fetchImpl ? ocspOverFetch(fetchImpl) : null);
  if (!transport) return { status: 'unavailable' };
  for (const url of leaf.ocspUrls) {
    try {
      const res = parseOcspResponse(await transport(url, ocspRequest(leaf, issuer)), leaf, issuer);
      if (res.status !== 'unavailable') return res;
    } catch { /* try the next responder */ }
  }
  return { status: 'unavailable' };
}
