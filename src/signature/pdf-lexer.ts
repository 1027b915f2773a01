/** A small PDF object parser over the original bytes (ISO 32000-1 §7.2–7.3), keeping offsets. */

/** A PDF name (decoded #xx). */
export class PdfName { constructor(readonly name: string) {} }
/** An indirect reference `num gen R`. */
export class PdfRef { constructor(readonly num: number, readonly gen: number) {} }
/** A string; `start`/`end` are its byte extent in the file (for the /Contents gap check). */
export class PdfString { constructor(readonly bytes: Buffer, readonly hex: boolean, readonly start: number, readonly end: number) {} }
/** A dictionary with its byte extent. */
export class PdfDict {
  constructor(readonly map: Map<string, PdfValue>, readonly start: number, readonly end: number) {}
  /** Direct value of a key. */
  get(k: string): PdfValue | undefined { return this.map.get(k); }
}
/** A stream: its dictionary and the raw (still encoded) data extent. */
export class PdfStream { constructor(readonly dict: PdfDict, readonly dataStart: number, readonly dataEnd: number) {} }

/** Any parsed PDF value. */
export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfDict | PdfStream | PdfValue[];

/** Malformed PDF syntax. */
export class PdfSyntaxError extends Error {}

const WS = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const MAX_DEPTH = 100;

/** Whether byte `c` is PDF whitespace. */
export const isWs = (c: number | undefined): boolean => c !== undefined && WS.has(c);
const isRegular = (c: number | undefined): boolean => c !== undefined && !WS.has(c) && !DELIM.has(c);

/** Counts the bytes the lexer steps over (a PdfBudget); keeps parsing linear in the input. */
export type WorkMeter = { chargeWork(n: number): void };

/** Lexer state over one buffer. */
export class Lexer {
  constructor(readonly buf: Buffer, public pos = 0, private readonly meter?: WorkMeter) {}

  /** Skip whitespace and comments. */
  skipWs(): void {
    const b = this.buf;
    for (;;) {
      while (this.pos < b.length && WS.has(b[this.pos]!)) this.pos++;
      if (b[this.pos] !== 0x25) return;
      while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
    }
  }

  /** Read a regular token (keyword or number) without consuming delimiters. */
  token(): string {
    this.skipWs();
    const s = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) this.pos++;
    return this.buf.toString('latin1', s, this.pos);
  }

  /** Parse one direct value (refs recognised by lookahead); the bytes read are charged to the meter. */
  value(depth = 0): PdfValue {
    if (depth > 0 || !this.meter) return this.valueAt(depth);
    const start = this.pos;
    try {
      return this.valueAt(depth);
    } finally {
      this.meter.chargeWork(Math.max(1, this.pos - start));
    }
  }

  private valueAt(depth: number): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('nesting too deep');
    this.skipWs();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file');
    if (c === 0x2f) return this.name();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x28) return this.literalString();
    if (c === 0x5b) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipWs();
        if (b[this.pos] === 0x5d) { this.pos++; return arr; }
        if (this.pos >= b.length) throw new PdfSyntaxError('unterminated array');
        arr.push(this.valueAt(depth + 1));
      }
    }
    const start = this.pos;
    const t = this.token();
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) throw new PdfSyntaxError(`unexpected token '${t.slice(0, 20)}' at ${start}`);
    const n = Number(t);
    if (/^\d+$/.test(t)) {
      const save = this.pos;
      const g = this.token();
      if (/^\d+$/.test(g)) {
        const r = this.token();
        if (r === 'R') return new PdfRef(n, Number(g));
      }
      this.pos = save;
    }
    return n;
  }

  private name(): PdfName {
    this.pos++;
    const s = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) this.pos++;
    const raw = this.buf.toString('latin1', s, this.pos);
    return new PdfName(raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw);
  }

  private dict(depth: number): PdfDict {
    const start = this.pos;
    this.pos += 2;
    const map = new Map<string, PdfValue>();
    for (;;) {
      this.skipWs();
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) { this.pos += 2; break; }
      if (this.pos >= this.buf.length) throw new PdfSyntaxError('unterminated dictionary');
      if (this.buf[this.pos] !== 0x2f) throw new PdfSyntaxError(`dictionary key expected at ${this.pos}`);
      const k = this.name().name;
      map.set(k, this.valueAt(depth + 1));
    }
    return new PdfDict(map, start, this.pos);
  }

  private hexString(): PdfString {
    const start = this.pos;
    const end = this.buf.indexOf(0x3e, start);
    if (end < 0) {
      // indexOf read to the end of the buffer: charge it, or a file of many '<' would be quadratic.
      this.meter?.chargeWork(this.buf.length - start);
      throw new PdfSyntaxError('unterminated hex string');
    }
    let hex = this.buf.toString('latin1', start + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('bad hex string');
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex, 'hex'), true, start, this.pos);
  }

  private literalString(): PdfString {
    const b = this.buf;
    const start = this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        const e = b[this.pos++]!;
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (map[e] !== undefined) out.push(map[e]!);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; k++) v = v * 8 + (b[this.pos++]! - 0x30);
          out.push(v & 0xff);
        } else if (e === 13) { if (b[this.pos] === 10) this.pos++; } else if (e !== 10) out.push(e);
      } else if (c === 0x28) { depth++; out.push(c); } else if (c === 0x29) {
        if (--depth === 0) return new PdfString(Buffer.from(out), false, start, this.pos);
        out.push(c);
      } else out.push(c);
    }
    throw new PdfSyntaxError('unterminated string');
  }
}

/** Type guards and accessors. */
export const isDict = (v: PdfValue | undefined): v is PdfDict => v instanceof PdfDict;
/** The name of a PdfName, or null. */
export const nameOf = (v: PdfValue | undefined): string | null => (v instanceof PdfName ? v.name : null);

/** Text of a PDF text string (UTF-16BE with BOM, else PDFDocEncoding ≈ latin1), NFC. */
export function textOf(v: PdfValue | undefined): string | null {
  if (!(v instanceof PdfString)) return null;
  const b = v.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) {
    const sw = Buffer.from(b.subarray(2));
    if (sw.length % 2) return null;
    sw.swap16();
    return sw.toString('utf16le').normalize('NFC');
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8').normalize('NFC');
  return b.toString('latin1').normalize('NFC');
}

/** Structural equality of two values (refs compared by number; streams by dict + raw bytes). */
export function sameValue(buf: Buffer, a: PdfValue | undefined, b: PdfValue | undefined, bufB: Buffer = buf): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && a.bytes.equals(b.bytes);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(buf, x, b[i], bufB));
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.map.size !== b.map.size) return false;
    for (const [k, v] of a.map) if (!sameValue(buf, v, b.map.get(k), bufB)) return false;
    return true;
  }
  if (a instanceof PdfStream) {
    return b instanceof PdfStream && sameValue(buf, a.dict, b.dict, bufB)
      && buf.subarray(a.dataStart, a.dataEnd).equals(bufB.subarray(b.dataStart, b.dataEnd));
  }
  return false;
}
