/** A tiny DER encoder (X.690) for the CMS we produce and the test PKI; outputs canonical DER. */

/** Encode a length in DER (definite, minimal). */
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A TLV from a tag and content parts. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

/** SEQUENCE. */
export const seq = (...parts: Buffer[]): Buffer => tlv(0x30, ...parts);

/** SET OF, sorted by encoding as DER requires (X.690 §11.6). */
export const setOf = (...parts: Buffer[]): Buffer => tlv(0x31, ...[...parts].sort(Buffer.compare));

/** [k] EXPLICIT / constructed context tag. */
export const ctx = (k: number, ...parts: Buffer[]): Buffer => tlv(0xa0 | k, ...parts);

/** [k] IMPLICIT primitive context tag. */
export const ctxPrim = (k: number, body: Buffer): Buffer => tlv(0x80 | k, body);

/** OBJECT IDENTIFIER from dotted form. */
export function oidDer(dotted: string): Buffer {
  const p = dotted.split('.').map(Number);
  const out: number[] = [];
  const arcs = [p[0]! * 40 + p[1]!, ...p.slice(2)];
  for (const a of arcs) {
    const chunk: number[] = [a & 0x7f];
    let v = Math.floor(a / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** INTEGER from a number or unsigned big-endian bytes. */
export function int(v: number | bigint | Buffer): Buffer {
  let b: Buffer;
  if (Buffer.isBuffer(v)) b = v;
  else {
    let hex = BigInt(v).toString(16);
    if (hex.length % 2) hex = '0' + hex;
    b = Buffer.from(hex, 'hex');
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && !(b[i + 1]! & 0x80)) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

/** NULL. */
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
/** OCTET STRING. */
export const octetString = (b: Buffer): Buffer => tlv(0x04, b);
/** BIT STRING with `unused` trailing bits. */
export const bitString = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), b);
/** UTF8String (NFC). */
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s.normalize('NFC'), 'utf8'));
/** PrintableString. */
export const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'));
/** BOOLEAN (DER: 0xFF for true). */
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));

/** UTCTime before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function timeDer(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const y = d.getUTCFullYear();
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(iso.slice(2) + 'Z', 'latin1'));
  return tlv(0x18, Buffer.from(iso + 'Z', 'latin1'));
}

/** GeneralizedTime always (RFC 3161 genTime). */
export const genTime = (d: Date): Buffer =>
  tlv(0x18, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z', 'latin1'));

/** AlgorithmIdentifier with optional parameters (NULL when `params === null`). */
export function algId(o: string, params?: Buffer | null): Buffer {
  return params === undefined ? seq(oidDer(o)) : seq(oidDer(o), params ?? nul());
}
