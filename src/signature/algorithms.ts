/** Signature and digest algorithms: one place that maps OIDs to node:crypto calls (RFC 8017, RFC 5758, RFC 4055). */
import crypto from 'node:crypto';
import { type Der, child, content, oid, smallInt, DerError } from './der.js';
import { DIGESTS, OID, SIG_ALGS } from './oids.js';

/** A resolved signature algorithm: how to call crypto.verify. */
export type SigAlg = {
  kind: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ecdsa-plain' | 'ed25519';
  hash: string | null;
  saltLength?: number;
};

/** Digest name for a digest AlgorithmIdentifier, or throw for unknown algorithms. */
export function digestOf(alg: Der): { name: string; weak: boolean } {
  const d = DIGESTS[oid(child(alg, 0, 'digest OID'))];
  if (!d) throw new DerError('unknown digest algorithm');
  return d;
}

/**
 * Resolve a signatureAlgorithm. For plain rsaEncryption / ecPublicKey the hash comes from the
 * SignerInfo digestAlgorithm (RFC 5652 §5.3 allows both forms). PSS parameters per RFC 4055 §3.1;
 * node:crypto has no separate MGF1 hash, so a differing MGF1 hash is refused.
 */
export function resolveSigAlg(alg: Der, digestName: string | null): SigAlg {
  const o = oid(child(alg, 0, 'signature OID'));
  const base = SIG_ALGS[o];
  if (!base) throw new DerError(`unknown signature algorithm ${o}`);
  if (base.kind !== 'rsa-pss') return { kind: base.kind, hash: base.hash ?? digestName };
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  const params = alg.children[1];
  for (const f of params?.children ?? []) {
    const inner = f.children[0];
    if (!inner) continue;
    if (f.tag === 0xa0) hash = digestOf(inner).name;
    else if (f.tag === 0xa1) {
      if (oid(child(inner, 0)) !== OID.mgf1) throw new DerError('PSS: unsupported mask generation function');
      mgfHash = digestOf(child(inner, 1)).name;
    } else if (f.tag === 0xa2) saltLength = smallInt(inner);
    else if (f.tag === 0xa3 && smallInt(inner) !== 1) throw new DerError('PSS: bad trailer field');
  }
  if (mgfHash !== hash) throw new DerError('PSS: MGF1 hash differs from message hash');
  return { kind: 'rsa-pss', hash, saltLength };
}

/** Whether a resolved algorithm is too weak to accept (SHA-1, MD5). */
export function isWeak(alg: SigAlg): boolean {
  return alg.hash === 'sha1' || alg.hash === 'md5';
}

/** Verify `sig` over `data` with `key`; false (never throws) on any mismatch or key/algorithm clash. */
export function verifySig(alg: SigAlg, key: crypto.KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    switch (alg.kind) {
      case 'rsa':
        if (key.asymmetricKeyType !== 'rsa') return false;
        return crypto.verify(alg.hash, data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      case 'rsa-pss':
        if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
        return crypto.verify(alg.hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, sig);
      case 'ecdsa':
        if (key.asymmetricKeyType !== 'ec') return false;
        return crypto.verify(alg.hash, data, { key, dsaEncoding: 'der' }, sig);
      case 'ecdsa-plain':
        if (key.asymmetricKeyType !== 'ec') return false;
        return crypto.verify(alg.hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
      case 'ed25519':
        return crypto.verify(null, data, key, sig);
    }
  } catch {
    return false;
  }
}

/** Hash a list of byte ranges of one buffer without concatenating them. */
export function hashRanges(name: string, buf: Buffer, ranges: Array<[number, number]>): Buffer {
  const h = crypto.createHash(name);
  for (const [start, length] of ranges) h.update(buf.subarray(start, start + length));
  return h.digest();
}

/** The BIT STRING signature value as raw bytes. */
export function sigBits(n: Der): Buffer {
  return content(n).subarray(1);
}
