/**
 * A minimal DER/BER reader that keeps byte offsets (X.690). We verify signatures over the
 * *original* bytes (RFC 5652 §5.4), so we never re-encode what we read: every node points
 * into the source buffer.
 */

/** One TLV node: tag byte, where its header starts, where its content starts and ends. */
export type Der = {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
  buf: Buffer;
  /** Children for constructed nodes (lazily parsed). */
  children: Der[];
};

/** Thrown by the reader on malformed input; callers turn it into FORMAT_FAILURE. */
export class DerError extends Error {}

const MAX_DEPTH = 64;

/** Parse one TLV at `pos`; constructed nodes are parsed recursively (indefinite length allowed, BER). */
export function readDer(buf: Buffer, pos = 0, limit = buf.length, depth = 0): Der {
  if (depth > MAX_DEPTH) throw new DerError('DER nesting too deep');
  if (pos + 2 > limit) throw new DerError('DER truncated header');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags unsupported');
  let p = pos + 1;
  const first = buf[p++]!;
  let len = -1;
  if (first < 0x80) len = first;
  else if (first === 0x80) len = -1;
  else {
    const n = first & 0x7f;
    if (n > 4 || p + n > limit) throw new DerError('DER bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  const constructed = (tag & 0x20) !== 0;
  const children: Der[] = [];
  if (len === -1) {
    if (!constructed) throw new DerError('indefinite length on primitive');
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw new DerError('unterminated indefinite length');
      if (buf[q] === 0 && buf[q + 1] === 0) break;
      const child = readDer(buf, q, limit, depth + 1);
      children.push(child);
      q = child.end;
    }
    return { tag, start: pos, contentStart: p, end: q + 2, buf, children };
  }
  const end = p + len;
  if (end > limit) throw new DerError('DER length beyond buffer');
  if (constructed) {
    let q = p;
    while (q < end) {
      const child = readDer(buf, q, end, depth + 1);
      children.push(child);
      q = child.end;
    }
  }
  return { tag, start: pos, contentStart: p, end, buf, children };
}

/** Content bytes of a node (for indefinite constructed nodes, excludes the end-of-contents). */
export function content(n: Der): Buffer {
  const eoc = n.children.length && n.buf[n.end - 1] === 0 && n.buf[n.end - 2] === 0 && isIndefinite(n) ? 2 : 0;
  return n.buf.subarray(n.contentStart, n.end - eoc);
}

function isIndefinite(n: Der): boolean {
  return n.buf[n.start + 1] === 0x80;
}

/** Whole TLV bytes of a node. */
export function raw(n: Der): Buffer {
  return n.buf.subarray(n.start, n.end);
}

/** Child `i`, or a DerError naming what was expected. */
export function child(n: Der | undefined, i: number, what = 'field'): Der {
  const c = n?.children[i];
  if (!c) throw new DerError(`missing ${what}`);
  return c;
}

/** Assert the tag of a node. */
export function expectTag(n: Der, tag: number, what: string): Der {
  if (n.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${n.tag.toString(16)}`);
  return n;
}

/** Decode an OBJECT IDENTIFIER node to dotted form. */
export function oid(n: Der): string {
  expectTag(n, 0x06, 'OID');
  const b = content(n);
  if (b.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (const byte of b) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) {
        const a = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(a, v - a * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Content of an OCTET STRING, concatenating BER constructed segments. */
export function octets(n: Der): Buffer {
  if (n.tag === 0x04) return content(n);
  if (n.tag === 0x24) return Buffer.concat(n.children.map(octets));
  throw new DerError(`expected OCTET STRING, got 0x${n.tag.toString(16)}`);
}

/** BIT STRING content without the unused-bits byte. */
export function bits(n: Der): Buffer {
  expectTag(n, 0x03, 'BIT STRING');
  return content(n).subarray(1);
}

/** A small INTEGER as a JS number (for versions, pathLen, saltLength). */
export function smallInt(n: Der): number {
  expectTag(n, 0x02, 'INTEGER');
  const b = content(n);
  if (b.length > 6) throw new DerError('integer too large');
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5) to a Date. */
export function time(n: Der): Date {
  const s = content(n).toString('latin1');
  let m: RegExpMatchArray | null;
  if (n.tag === 0x17 && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    // RFC 5280: YY >= 50 means 19YY.
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (n.tag === 0x18 && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?Z$/))) {
    const ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0), ms));
  }
  throw new DerError(`bad time ${s}`);
}

/** Whether a node is context-specific tag [k] (constructed or primitive). */
export function isCtx(n: Der, k: number): boolean {
  return (n.tag & 0xdf) === (0x80 | k);
}

/** Decode a DirectoryString-ish node to text (UTF8, Printable, IA5, BMP, Teletex as latin1). */
export function text(n: Der): string {
  const b = content(n);
  if (n.tag === 0x1e) {
    const sw = Buffer.from(b);
    sw.swap16();
    return sw.toString('utf16le');
  }
  if (n.tag === 0x14) return b.toString('latin1');
  return b.toString('utf8');
}
