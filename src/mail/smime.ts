/**
 * S/MIME opaque-signed mail (`application/pkcs7-mime; smime-type=signed-data`, `smime.p7m`, RFC 8551
 * §3.5.2) and CAdES `.p7m` files wrap the real content inside a CMS SignedData (RFC 5652). We do not
 * verify it here (the PDFs inside carry their own signatures); we only take the encapsulated content
 * out with a small BER/DER walk, so the PDFs inside are not lost (docs/mail.md §Parsing).
 */

type Tlv = { tag: number; constructed: boolean; start: number; contentStart: number; end: number; indefinite: boolean };

const OID_SIGNED_DATA = '2a864886f70d010702'; // 1.2.840.113549.1.7.2

/** Read one TLV at `pos`; null when malformed. Indefinite lengths are resolved by walking children. */
function readTlv(buf: Buffer, pos: number, depth = 0): Tlv | null {
  if (depth > 64 || pos + 2 > buf.length) return null;
  const first = buf[pos]!;
  let p = pos + 1;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    let b: number;
    let n = 0;
    do {
      if (p >= buf.length || ++n > 4) return null;
      b = buf[p++]!;
      tag = (tag << 7) | (b & 0x7f);
    } while (b & 0x80);
  }
  const cls = first & 0xc0;
  const constructed = (first & 0x20) !== 0;
  const fullTag = (cls << 24) | tag;
  if (p >= buf.length) return null;
  const lenByte = buf[p++]!;
  if (lenByte === 0x80) {
    if (!constructed) return null;
    let q = p;
    for (;;) {
      if (q + 2 > buf.length) return null;
      if (buf[q] === 0 && buf[q + 1] === 0) return { tag: fullTag, constructed, start: pos, contentStart: p, end: q + 2, indefinite: true };
      const child = readTlv(buf, q, depth + 1);
      if (!child) return null;
      q = child.end;
    }
  }
  let len = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n > 4 || p + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > buf.length) return null;
  return { tag: fullTag, constructed, start: pos, contentStart: p, end: p + len, indefinite: false };
}

/** The children of a constructed TLV. */
function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  const stop = t.indefinite ? t.end - 2 : t.end;
  let p = t.contentStart;
  while (p < stop) {
    const c = readTlv(buf, p);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

function contentOf(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.contentStart, t.indefinite ? t.end - 2 : t.end);
}

/** OCTET STRING value, concatenating the segments of a constructed (BER) one. */
function octets(buf: Buffer, t: Tlv, depth = 0): Buffer {
  if (!t.constructed) return contentOf(buf, t);
  if (depth > 16) return Buffer.alloc(0);
  return Buffer.concat(children(buf, t).map(c => octets(buf, c, depth + 1)));
}

const CONTEXT_0 = (0x80 << 24) | 0;
const TAG_SEQUENCE = 0x10;
const TAG_OID = 0x06;

/** Base64 text (as some clients save .p7m) → DER; otherwise the input. */
function maybeBase64(input: Buffer): Buffer {
  if (input.length > 0 && input[0] === 0x30) return input;
  const text = input.toString('latin1').replace(/-----[^-]+-----/gu, '').replace(/\s+/gu, '');
  if (/^[A-Za-z0-9+/]+=*$/u.test(text)) return Buffer.from(text, 'base64');
  return input;
}

/**
 * The encapsulated content (eContent) of a CMS SignedData, or null when `input` is not one or is
 * detached (no eContent). Accepts DER, BER (indefinite lengths, segmented OCTET STRINGs) and base64.
 */
export function unwrapSignedData(input: Buffer): Buffer | null {
  const buf = maybeBase64(input);
  const ci = readTlv(buf, 0);
  if (!ci || ci.tag !== TAG_SEQUENCE) return null;
  const [oid, explicit] = children(buf, ci);
  if (!oid || oid.tag !== TAG_OID || contentOf(buf, oid).toString('hex') !== OID_SIGNED_DATA) return null;
  if (!explicit || explicit.tag !== CONTEXT_0) return null;
  const [sd] = children(buf, explicit);
  if (!sd || sd.tag !== TAG_SEQUENCE) return null;
  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE, ... }
  const encap = children(buf, sd)[2];
  if (!encap || encap.tag !== TAG_SEQUENCE) return null;
  const [ctype, econtent] = children(buf, encap);
  if (!ctype || ctype.tag !== TAG_OID || !econtent || econtent.tag !== CONTEXT_0) return null;
  const [os] = children(buf, econtent);
  if (!os) return null;
  return octets(buf, os);
}
