/**
 * A PDF as a chain of revisions (ISO 32000-1 §7.5.6 incremental updates): each xref section
 * (classic table or /Type /XRef stream, §7.5.8) with its trailer and the byte where its
 * revision ends. Objects are parsed lazily and once per location, so each revision is read once.
 */
import zlib from 'node:zlib';
import { Lexer, PdfDict, PdfRef, PdfStream, PdfSyntaxError, type PdfValue, nameOf, isWs } from './pdf-lexer.js';

/** One xref entry: in use at an offset, compressed in an object stream, or free. */
export type XrefEntry = { type: 'n'; offset: number; gen: number } | { type: 'c'; stream: number; index: number } | { type: 'f'; gen: number };

/** One revision: its xref section, trailer and extent. */
export type Revision = {
  xrefOffset: number;
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
  /** Byte just after this revision's %%EOF, or null when not found. */
  end: number | null;
  isStream: boolean;
};

/** Decompression cap per stream (decompression bombs in mail attachments). */
const MAX_INFLATE = 64 * 1024 * 1024;

/** A parsed PDF file. */
export class PdfFile {
  readonly revisions: Revision[] = [];
  readonly problems: string[] = [];
  private cache = new Map<string, PdfValue>();
  private objStreams = new Map<number, { data: Buffer; offsets: Map<number, number>; first: number }>();

  constructor(readonly buf: Buffer) {
    const head = buf.subarray(0, 1024).indexOf('%PDF-');
    if (head < 0) throw new PdfSyntaxError('no %PDF- header');
    let off = findStartxref(buf, buf.length);
    const seen = new Set<number>();
    const chain: Revision[] = [];
    while (off !== null) {
      if (seen.has(off) || off < 0 || off >= buf.length) { this.problems.push('xref chain loops or points outside the file'); break; }
      seen.add(off);
      const rev = this.readSection(off);
      chain.unshift(rev);
      const prev = rev.trailer.get('Prev');
      off = typeof prev === 'number' ? prev : null;
    }
    this.revisions = chain;
    if (chain.length === 0) throw new PdfSyntaxError('no cross-reference section');
  }

  /** The trailer of the newest revision. */
  get trailer(): PdfDict { return this.revisions[this.revisions.length - 1]!.trailer; }

  /** Index of the revision whose %%EOF (optionally with one end-of-line) ends at `end`, or -1. */
  revisionEndingAt(end: number): number {
    return this.revisions.findIndex(r => {
      if (r.end === null) return false;
      const eol = this.buf[r.end] === 13 ? (this.buf[r.end + 1] === 10 ? 2 : 1) : this.buf[r.end] === 10 ? 1 : 0;
      return end === r.end || end === r.end + eol;
    });
  }

  /** The entry for object `num` as seen by revision `rev` (newest section that lists it). */
  entry(num: number, rev = this.revisions.length - 1): { entry: XrefEntry; rev: number } | null {
    for (let r = rev; r >= 0; r--) {
      const e = this.revisions[r]!.entries.get(num);
      if (e) return { entry: e, rev: r };
    }
    return null;
  }

  /** Object `num` as seen by revision `rev`; null when absent or free. Throws PdfSyntaxError when broken. */
  object(num: number, rev = this.revisions.length - 1): PdfValue {
    const hit = this.entry(num, rev);
    if (!hit || hit.entry.type === 'f') return null;
    return this.objectAt(num, hit.entry, rev);
  }

  /** Parse the object an entry points to (cached per location). */
  objectAt(num: number, e: XrefEntry, rev = this.revisions.length - 1): PdfValue {
    if (e.type === 'f') return null;
    const key = e.type === 'n' ? `n${e.offset}` : `c${e.stream}:${e.index}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    let v: PdfValue;
    if (e.type === 'n') {
      const o = this.parseIndirect(e.offset, rev);
      if (o.num !== num) throw new PdfSyntaxError(`xref for object ${num} points at object ${o.num}`);
      v = o.value;
    } else {
      const os = this.objStream(e.stream, rev);
      const at = os.offsets.get(num);
      if (at === undefined) throw new PdfSyntaxError(`object ${num} not in object stream ${e.stream}`);
      v = new Lexer(os.data, os.first + at).value();
    }
    this.cache.set(key, v);
    return v;
  }

  /** Resolve a reference (one level) in revision `rev`. */
  resolve(v: PdfValue | undefined, rev = this.revisions.length - 1): PdfValue | undefined {
    return v instanceof PdfRef ? this.object(v.num, rev) : v;
  }

  /** Parse `num gen obj … endobj` at `offset`; streams get their /Length resolved. */
  parseIndirect(offset: number, rev = this.revisions.length - 1): { num: number; gen: number; value: PdfValue; end: number } {
    const lx = new Lexer(this.buf, offset);
    const num = lx.token();
    const gen = lx.token();
    const kw = lx.token();
    if (!/^\d+$/.test(num) || !/^\d+$/.test(gen) || kw !== 'obj') throw new PdfSyntaxError(`no object header at ${offset}`);
    let value = lx.value();
    const save = lx.pos;
    if (value instanceof PdfDict && lx.token() === 'stream') {
      let p = lx.pos;
      if (this.buf[p] === 13) p++;
      if (this.buf[p] === 10) p++;
      let len = value.get('Length');
      if (len instanceof PdfRef) len = len.num === Number(num) ? undefined : (this.object(len.num, rev) as PdfValue);
      let dataEnd = typeof len === 'number' ? p + len : -1;
      if (dataEnd < p || this.buf.indexOf('endstream', dataEnd, 'latin1') < 0 || !this.buf.subarray(dataEnd, dataEnd + 12).toString('latin1').trimStart().startsWith('endstream')) {
        const es = this.buf.indexOf('endstream', p, 'latin1');
        if (es < 0) throw new PdfSyntaxError('stream without endstream');
        dataEnd = es;
        while (dataEnd > p && (this.buf[dataEnd - 1] === 10 || this.buf[dataEnd - 1] === 13)) dataEnd--;
      }
      value = new PdfStream(value, p, dataEnd);
      lx.pos = this.buf.indexOf('endstream', dataEnd, 'latin1') + 9;
    } else lx.pos = save;
    const endKw = lx.pos;
    const end = lx.token() === 'endobj' ? lx.pos : endKw;
    return { num: Number(num), gen: Number(gen), value, end };
  }

  /** Decoded bytes of a stream (FlateDecode with PNG predictors; ISO 32000-1 §7.4.4). */
  decode(s: PdfStream, rev = this.revisions.length - 1): Buffer {
    let data = this.buf.subarray(s.dataStart, s.dataEnd);
    const f = this.resolve(s.dict.get('Filter'), rev);
    const filters = Array.isArray(f) ? f.map(nameOf) : f ? [nameOf(f)] : [];
    const p = this.resolve(s.dict.get('DecodeParms'), rev);
    const parms = (Array.isArray(p) ? p[0] : p) as PdfValue;
    for (const name of filters) {
      if (name !== 'FlateDecode') throw new PdfSyntaxError(`unsupported filter ${name}`);
      try { data = zlib.inflateSync(data, { maxOutputLength: MAX_INFLATE }); } catch {
        data = zlib.inflateSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: MAX_INFLATE });
      }
      if (parms instanceof PdfDict) data = unpredict(data, parms);
    }
    return data;
  }

  private objStream(num: number, rev: number) {
    const hit = this.objStreams.get(num);
    if (hit) return hit;
    const s = this.object(num, rev);
    if (!(s instanceof PdfStream)) throw new PdfSyntaxError(`object stream ${num} missing`);
    const data = this.decode(s, rev);
    const n = s.dict.get('N');
    const first = s.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number') throw new PdfSyntaxError('bad object stream');
    const lx = new Lexer(data, 0);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) offsets.set(Number(lx.token()), Number(lx.token()));
    const os = { data, offsets, first };
    this.objStreams.set(num, os);
    return os;
  }

  private readSection(start: number): Revision {
    // Tolerate whitespace between the startxref offset and the section (common off-by-EOL writers).
    let off = start;
    while (isWs(this.buf[off]) && off < start + 16) off++;
    const lx = new Lexer(this.buf, off);
    const entries = new Map<number, XrefEntry>();
    let trailer: PdfDict;
    let isStream = false;
    if (this.buf.toString('latin1', off, off + 4) === 'xref') {
      lx.pos = off + 4;
      for (;;) {
        const save = lx.pos;
        const a = lx.token();
        if (a === 'trailer') break;
        const count = Number(lx.token());
        if (!/^\d+$/.test(a) || !Number.isInteger(count)) { lx.pos = save; throw new PdfSyntaxError('bad xref subsection'); }
        for (let i = 0; i < count; i++) {
          const o = Number(lx.token());
          const g = Number(lx.token());
          const t = lx.token();
          const num = Number(a) + i;
          if (t === 'n') entries.set(num, { type: 'n', offset: o, gen: g });
          else if (t === 'f') entries.set(num, { type: 'f', gen: g });
          else throw new PdfSyntaxError('bad xref entry');
        }
      }
      const t = lx.value();
      if (!(t instanceof PdfDict)) throw new PdfSyntaxError('bad trailer');
      trailer = t;
      // Hybrid-reference files (§7.5.8.4): the /XRefStm entries complete this section.
      const xs = t.get('XRefStm');
      if (typeof xs === 'number') {
        const extra = this.readSection(xs).entries;
        for (const [k, v] of extra) if (!entries.has(k)) entries.set(k, v);
      }
    } else {
      const o = this.parseIndirect(off);
      if (!(o.value instanceof PdfStream) || nameOf(o.value.dict.get('Type')) !== 'XRef') throw new PdfSyntaxError('startxref does not point at an xref');
      isStream = true;
      trailer = o.value.dict;
      readXrefStream(this.decode(o.value), trailer, entries);
    }
    return { xrefOffset: start, entries, trailer, end: revisionEnd(this.buf, start), isStream };
  }
}

/** Value of the last `startxref` before `limit`. */
function findStartxref(buf: Buffer, limit: number): number | null {
  const at = buf.lastIndexOf('startxref', limit, 'latin1');
  if (at < 0) throw new PdfSyntaxError('no startxref');
  const m = buf.toString('latin1', at + 9, at + 40).match(/^\s*(\d+)/);
  if (!m) throw new PdfSyntaxError('bad startxref');
  return Number(m[1]);
}

/** The end of the revision whose xref is at `off`: after `startxref off %%EOF` and one EOL. */
function revisionEnd(buf: Buffer, off: number): number | null {
  let from = off;
  for (;;) {
    const at = buf.indexOf('startxref', from, 'latin1');
    if (at < 0) return null;
    const m = buf.toString('latin1', at + 9, at + 40).match(/^\s*(\d+)\s*%%EOF/);
    if (m && Number(m[1]) === off) return at + 9 + m[0].length;
    from = at + 9;
  }
}

function readXrefStream(data: Buffer, dict: PdfDict, entries: Map<number, XrefEntry>): void {
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length !== 3 || typeof size !== 'number') throw new PdfSyntaxError('bad xref stream');
  const [w0, w1, w2] = w.map(x => (typeof x === 'number' ? x : -1)) as [number, number, number];
  if (w0 < 0 || w1 < 0 || w2 < 0) throw new PdfSyntaxError('bad /W');
  const idx = dict.get('Index');
  const ranges = Array.isArray(idx) ? (idx as number[]) : [0, size];
  let p = 0;
  const rd = (n: number) => { let v = 0; for (let i = 0; i < n; i++) v = v * 256 + (data[p++] ?? 0); return v; };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    for (let i = 0; i < ranges[r + 1]!; i++) {
      if (p + w0 + w1 + w2 > data.length) throw new PdfSyntaxError('xref stream truncated');
      const t = w0 ? rd(w0) : 1;
      const a = rd(w1);
      const b = rd(w2);
      const num = ranges[r]! + i;
      if (t === 0) entries.set(num, { type: 'f', gen: b });
      else if (t === 1) entries.set(num, { type: 'n', offset: a, gen: b });
      else if (t === 2) entries.set(num, { type: 'c', stream: a, index: b });
    }
  }
}

/** Undo PNG predictors (§7.4.4.4). */
function unpredict(data: Buffer, parms: PdfDict): Buffer {
  const pred = parms.get('Predictor');
  if (typeof pred !== 'number' || pred < 10) return data;
  const colors = (parms.get('Colors') as number) || 1;
  const bpc = (parms.get('BitsPerComponent') as number) || 8;
  const columns = (parms.get('Columns') as number) || 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const ft = data[r * (rowLen + 1)]!;
    for (let i = 0; i < rowLen; i++) {
      const x = data[r * (rowLen + 1) + 1 + i]!;
      const left = i >= bpp ? out[r * rowLen + i - bpp]! : 0;
      const up = r > 0 ? out[(r - 1) * rowLen + i]! : 0;
      const ul = r > 0 && i >= bpp ? out[(r - 1) * rowLen + i - bpp]! : 0;
      let v = x;
      if (ft === 1) v = x + left;
      else if (ft === 2) v = x + up;
      else if (ft === 3) v = x + ((left + up) >> 1);
      else if (ft === 4) {
        const pa = Math.abs(up - ul), pb = Math.abs(left - ul), pc = Math.abs(left + up - 2 * ul);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul);
      }
      out[r * rowLen + i] = v & 0xff;
    }
  }
  return out;
}
