/** RFC 3161 protocol pieces without transport: the TimeStampReq (§2.4.1) and the checks on the TimeStampResp (§2.4.2). */
import crypto from 'node:crypto';
import { seq, int, octetString, algId, bool } from '../der-write.js';
import { readDer, child, content, raw, octets, smallInt } from '../der.js';
import { parseSignedData } from '../cms-parse.js';
import { BridgeError } from '../../errors.js';
import { DIGEST_OID, OID } from '../oids.js';

/** A TimeStampReq for the SHA-256 imprint of `data`, with a nonce and certReq (RFC 3161 §2.4.1). */
export function timeStampRequest(data: Buffer, nonce: Buffer): Buffer {
  const imprint = seq(algId(DIGEST_OID.sha256!), octetString(crypto.createHash('sha256').update(data).digest()));
  return seq(int(1), imprint, int(nonce), bool(true));
}

/** The token from a TimeStampResp after checking status, imprint and nonce; throws SIGNING_FAILED. */
export function tokenFromResponse(resp: Buffer, data: Buffer, nonce: Buffer): Buffer {
  const r = readDer(resp);
  const status = smallInt(child(child(r, 0), 0));
  if (status > 1 || !r.children[1]) throw new BridgeError('SIGNING_FAILED', `the TSA refused the request (status ${status})`);
  const token = raw(child(r, 1));
  const sd = parseSignedData(token);
  if (sd.eContentType !== OID.tstInfo || !sd.eContent) throw new BridgeError('SIGNING_FAILED', 'the TSA answered without a TSTInfo');
  const tst = readDer(sd.eContent);
  const want = crypto.createHash('sha256').update(data).digest();
  if (!octets(child(child(tst, 2), 1)).equals(want)) throw new BridgeError('SIGNING_FAILED', 'the TSA stamped another imprint');
  const n = tst.children.find((c, i) => i > 4 && c.tag === 0x02);
  if (!n || !content(n).equals(content(readDer(int(nonce))))) throw new BridgeError('SIGNING_FAILED', 'the TSA answer has the wrong nonce');
  return token;
}
