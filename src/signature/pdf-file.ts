/**
 * A PDF as a chain of revisions (ISO 32000-1 §7.5.6 incremental updates): each xref section
 * (classic table or /Type /XRef stream, §7.5.8) with its trailer and the byte where its revision
 * ends. Objects are parsed lazily and once per location. A broken startxref or xref is recovered by
 * scanning (`recovered`), as poppler does. Reading stays within the file's PdfBudget.
 */
import { Lexer, PdfDict, PdfRef, PdfStream, PdfSyntaxError, type PdfValue, nameOf } from './pdf-lexer.js';
import { PdfBudget, defaultLimits, rethrowLimit, type PdfLimits } from './pdf-limits.js';
import { decodeFilters } from './stream-decode.js';
import { scanTails, type Tail } from './xref-scan.js';
import { readSection } from './xref-read.js';
import { reconstruct } from './xref-recover.js';
import type { Revision, XrefEntry, XrefSource } from './xref-types.js';

export type { Revision, XrefEntry };

const MAX_REF_DEPTH = 48;
const MAX_REVISIONS = 4096;

/** A parsed PDF file. */
export class PdfFile implements XrefSource {
  revisions: Revision[] = [];
  readonly problems: string[] = [];
  readonly budget: PdfBudget;
  /** Whether the revisions were reconstructed by scanning (reported as XREF_RECONSTRUCTED). */
  recovered = false;
  private cache = new Map<string, PdfValue>();
  private objStreams = new Map<number, { data: Buffer; offsets: Map<number, number>; first: number }>();
  private depth = 0;
  private textCache: string | undefined;
  private tailIndex: Map<number, Tail[]> | undefined;

  constructor(readonly buf: Buffer, limits: PdfLimits = defaultLimits(buf.length)) {
    this.budget = new PdfBudget(limits);
    const head = buf.subarray(0, 1024).indexOf('%PDF-');
    if (head < 0) throw new PdfSyntaxError('no %PDF- header');
    try {
      this.revisions = this.readChain();
      const root = this.resolve(this.trailer.get('Root'));
      if (!(root instanceof PdfDict)) throw new PdfSyntaxError('the trailer /Root is not a dictionary');
    } catch (e) {
      rethrowLimit(e);
      this.problems.push(`cross-reference data unusable (${(e as Error).message}); reconstructed by scanning`);
      this.cache.clear();
      this.objStreams.clear();
      this.revisions = reconstruct(this);
      this.recovered = true;
      if (this.revisions.length === 0) throw new PdfSyntaxError('no objects found');
    }
  }

  /** The whole file as latin1 text (one copy, for the linear scans of a broken file's recovery). */
  get text(): string {
    return (this.textCache ??= this.buf.toString('latin1'));
  }

  /** The trailer of the newest revision. */
  get trailer(): PdfDict { return this.revisions[this.revisions.length - 1]!.trailer; }

  private readChain(): Revision[] {
    let off = findStartxref(this.buf);
    const seen = new Set<number>();
    const chain: Revision[] = [];
    while (off !== null) {
      if (seen.has(off) || off < 0 || off >= this.buf.length || chain.length >= MAX_REVISIONS) { this.problems.push('xref chain loops or points outside the file'); break; }
      seen.add(off);
      const rev = readSection(this, off);
      rev.end = this.revisionEnd(off);
      chain.unshift(rev);
      const prev = rev.trailer.get('Prev');
      off = typeof prev === 'number' ? prev : null;
    }
    if (chain.length === 0) throw new PdfSyntaxError('no cross-reference section');
    return chain;
  }

  /** The end of the revision whose xref is at `off`: after the first `startxref off %%EOF` behind it. */
  private revisionEnd(off: number): number | null {
    if (!this.tailIndex) {
      this.tailIndex = new Map();
      for (const t of scanTails(this.buf)) {
        const list = this.tailIndex.get(t.offset) ?? [];
        list.push(t);
        this.tailIndex.set(t.offset, list);
      }
    }
    return this.tailIndex.get(off)?.find(t => t.at >= off)?.end ?? null;
  }

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
    for (let r = Math.min(rev, this.revisions.length - 1); r >= 0; r--) {
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

  /** Parse the object an entry points to (cached per location). Reference chains are depth-limited (cycles). */
  objectAt(num: number, e: XrefEntry, rev = this.revisions.length - 1): PdfValue {
    if (e.type === 'f') return null;
    const key = e.type === 'n' ? `n${e.offset}` : `c${e.stream}:${e.index}`;
    if (this.cache.has(key)) return this.cache.get(key)!;
    if (++this.depth > MAX_REF_DEPTH) { this.depth--; throw new PdfSyntaxError('reference chain too deep (cycle?)'); }
    try {
      let v: PdfValue;
      if (e.type === 'n') {
        const o = this.parseIndirect(e.offset, rev);
        if (o.num !== num) throw new PdfSyntaxError(`xref for object ${num} points at object ${o.num}`);
        v = o.value;
      } else {
        if (e.stream === num) throw new PdfSyntaxError(`object ${num} inside itself`);
        const os = this.objStream(e.stream, rev);
        const at = os.offsets.get(num);
        if (at === undefined) throw new PdfSyntaxError(`object ${num} not in object stream ${e.stream}`);
        v = new Lexer(os.data, os.first + at, this.budget).value();
      }
      this.cache.set(key, v);
      return v;
    } finally {
      this.depth--;
    }
  }

  /** Resolve a reference (one level) in revision `rev`. */
  resolve(v: PdfValue | undefined, rev = this.revisions.length - 1): PdfValue | undefined {
    return v instanceof PdfRef ? this.object(v.num, rev) : v;
  }

  /** Parse `num gen obj … endobj` at `offset`; streams get their /Length resolved. */
  parseIndirect(offset: number, rev = this.revisions.length - 1): { num: number; gen: number; value: PdfValue; end: number } {
    const lx = new Lexer(this.buf, offset, this.budget);
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
      if (len instanceof PdfRef) {
        try { len = len.num === Number(num) ? undefined : (this.object(len.num, rev) as PdfValue); } catch (e) { rethrowLimit(e); len = undefined; }
      }
      let dataEnd = typeof len === 'number' && Number.isInteger(len) && len >= 0 ? p + len : -1;
      if (dataEnd < p || dataEnd > this.buf.length || !this.buf.toString('latin1', dataEnd, dataEnd + 12).trimStart().startsWith('endstream')) {
        const es = this.buf.indexOf('endstream', p, 'latin1');
        this.budget.chargeWork((es < 0 ? this.buf.length : es) - p);
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

  /** Decoded bytes of a stream (FlateDecode with PNG predictors; ISO 32000-1 §7.4.4), within the budget. */
  decode(s: PdfStream, rev = this.revisions.length - 1): Buffer {
    const f = this.resolve(s.dict.get('Filter'), rev);
    const filters = Array.isArray(f) ? f.map(x => nameOf(this.resolve(x, rev))) : f ? [nameOf(f)] : [];
    const p = this.resolve(s.dict.get('DecodeParms'), rev);
    const parms = (Array.isArray(p) ? p : [p ?? null]).map(x => this.resolve(x, rev) ?? null);
    return decodeFilters(this.buf.subarray(s.dataStart, s.dataEnd), filters, parms, this.budget);
  }

  private objStream(num: number, rev: number) {
    const hit = this.objStreams.get(num);
    if (hit) return hit;
    const s = this.object(num, rev);
    if (!(s instanceof PdfStream)) throw new PdfSyntaxError(`object stream ${num} missing`);
    const data = this.decode(s, rev);
    const n = s.dict.get('N');
    const first = s.dict.get('First');
    if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || first < 0) throw new PdfSyntaxError('bad object stream');
    const lx = new Lexer(data, 0);
    const offsets = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const a = lx.token();
      const b = lx.token();
      if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) break;
      offsets.set(Number(a), Number(b));
    }
    this.budget.chargeWork(lx.pos);
    const os = { data, offsets, first };
    this.objStreams.set(num, os);
    return os;
  }
}

/** Value of the last `startxref`. */
function findStartxref(buf: Buffer): number | null {
  const at = buf.lastIndexOf('startxref', buf.length, 'latin1');
  if (at < 0) throw new PdfSyntaxError('no startxref');
  const m = buf.toString('latin1', at + 9, at + 40).match(/^\s*(\d+)/);
  if (!m) throw new PdfSyntaxError('bad startxref');
  return Number(m[1]);
}
