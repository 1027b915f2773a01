/** Reading one cross-reference section: a classic table (ISO 32000-1 §7.5.4) or an xref stream (§7.5.8). */
import { Lexer, PdfDict, PdfStream, PdfSyntaxError, nameOf } from './pdf-lexer.js';
import { skipWsFrom, type Revision, type XrefEntry, type XrefSource } from './xref-types.js';

const MAX_OBJECT_NUMBER = 8_388_607; // ISO 32000-1 Annex C: the largest object number readers must handle.

/** Read the section at `start` (its `end` is filled in by the caller). */
export function readSection(file: XrefSource, start: number, depth = 0): Revision {
  const buf = file.buf;
  const off = skipWsFrom(buf, start);
  const entries = new Map<number, XrefEntry>();
  let trailer: PdfDict;
  let isStream = false;
  if (buf.toString('latin1', off, off + 4) === 'xref') {
    const lx = new Lexer(buf, off + 4, file.budget);
    for (;;) {
      const a = lx.token();
      if (a === 'trailer') break;
      const count = Number(lx.token());
      if (!/^\d+$/.test(a) || !Number.isInteger(count) || Number(a) + count > MAX_OBJECT_NUMBER + 1) throw new PdfSyntaxError('bad xref subsection');
      for (let i = 0; i < count; i++) {
        const o = Number(lx.token());
        const g = Number(lx.token());
        const t = lx.token();
        const num = Number(a) + i;
        if (t === 'n') entries.set(num, { type: 'n', offset: o, gen: g });
        else if (t === 'f') entries.set(num, { type: 'f', gen: g });
        else throw new PdfSyntaxError('bad xref entry');
      }
      file.budget.chargeWork(count * 20);
    }
    const t = lx.value();
    if (!(t instanceof PdfDict)) throw new PdfSyntaxError('bad trailer');
    trailer = t;
    // Hybrid-reference files (§7.5.8.4): the /XRefStm entries complete this section.
    const xs = t.get('XRefStm');
    if (typeof xs === 'number' && depth === 0) {
      const extra = readSection(file, xs, 1).entries;
      for (const [k, v] of extra) if (!entries.has(k)) entries.set(k, v);
    }
  } else {
    const o = file.parseIndirect(off);
    if (!(o.value instanceof PdfStream) || nameOf(o.value.dict.get('Type')) !== 'XRef') throw new PdfSyntaxError('startxref does not point at an xref');
    isStream = true;
    trailer = o.value.dict;
    readXrefStream(file.decode(o.value), trailer, entries);
  }
  return { xrefOffset: start, entries, trailer, end: null, isStream };
}

/** Decode the binary entries of an xref stream (§7.5.8.3). */
export function readXrefStream(data: Buffer, dict: PdfDict, entries: Map<number, XrefEntry>): void {
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length !== 3 || typeof size !== 'number') throw new PdfSyntaxError('bad xref stream');
  const [w0, w1, w2] = w.map(x => (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 8 ? x : -1)) as [number, number, number];
  if (w0 < 0 || w1 < 0 || w2 < 0 || w0 + w1 + w2 === 0) throw new PdfSyntaxError('bad /W');
  const idx = dict.get('Index');
  const ranges = Array.isArray(idx) ? idx.map(x => (typeof x === 'number' ? x : 0)) : [0, size];
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
