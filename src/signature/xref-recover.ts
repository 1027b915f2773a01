/**
 * Rebuild the revisions of a file whose cross-reference data is broken, from a scan of the bytes
 * (xref-scan.ts): each %%EOF ends a revision; the objects defined in it (and those in its object
 * streams) are its entries; its trailer is its `trailer` dictionary, its xref stream's dictionary,
 * or the previous revision's, and as a last resort the newest /Type /Catalog object.
 */
import { Lexer, PdfDict, PdfRef, PdfStream, PdfSyntaxError } from './pdf-lexer.js';
import { rethrowLimit } from './pdf-limits.js';
import { scanSegments, syntheticTrailer } from './xref-scan.js';
import type { Revision, XrefEntry, XrefSource } from './xref-types.js';

/** The reconstructed revisions (oldest first). */
export function reconstruct(file: XrefSource): Revision[] {
  const segments = scanSegments(file.text);
  const out: Revision[] = [];
  // Objects of earlier revisions are looked up while later ones are built.
  file.revisions = out;
  let lastCatalog: { num: number; gen: number } | null = null;
  for (const seg of segments) {
    const entries = new Map<number, XrefEntry>();
    for (const o of seg.objects) entries.set(o.num, { type: 'n', offset: o.offset, gen: o.gen });
    const rev: Revision = { xrefOffset: seg.start, entries, trailer: new PdfDict(new Map(), -1, -1), end: seg.end, isStream: false, recovered: true };
    out.push(rev);
    for (const o of seg.objects) {
      if (o.catalog) lastCatalog = { num: o.num, gen: o.gen };
      if (o.objStm) addCompressed(file, out.length - 1, o.num, entries);
    }
    rev.trailer = trailerOf(file, seg.trailers, seg.objects.filter(o => o.xref).map(o => o.offset))
      ?? out[out.length - 2]?.trailer
      ?? (lastCatalog ? syntheticTrailer(lastCatalog.num, lastCatalog.gen) : rev.trailer);
    if (!rev.trailer.get('Root') && lastCatalog) rev.trailer = syntheticTrailer(lastCatalog.num, lastCatalog.gen);
  }
  return out;
}

function trailerOf(file: XrefSource, trailers: number[], xrefStreams: number[]): PdfDict | null {
  for (const at of [...trailers].reverse()) {
    try {
      const d = new Lexer(file.buf, at, file.budget).value();
      if (d instanceof PdfDict && d.get('Root') instanceof PdfRef) return d;
    } catch (e) { rethrowLimit(e); }
  }
  for (const at of [...xrefStreams].reverse()) {
    try {
      const o = file.parseIndirect(at);
      if (o.value instanceof PdfStream && o.value.dict.get('Root') instanceof PdfRef) return o.value.dict;
    } catch (e) { rethrowLimit(e); }
  }
  return null;
}

/** List the objects held in object stream `num` as compressed entries of revision `rev`. */
function addCompressed(file: XrefSource, rev: number, num: number, entries: Map<number, XrefEntry>): void {
  try {
    const s = file.object(num, rev);
    if (!(s instanceof PdfStream)) return;
    const n = s.dict.get('N');
    if (typeof n !== 'number') return;
    const lx = new Lexer(file.decode(s, rev), 0);
    for (let i = 0; i < n; i++) {
      const a = lx.token();
      if (!/^\d+$/.test(a) || !/^\d+$/.test(lx.token())) break;
      if (!entries.has(Number(a))) entries.set(Number(a), { type: 'c', stream: num, index: i });
    }
    file.budget.chargeWork(lx.pos);
  } catch (e) {
    rethrowLimit(e);
    if (!(e instanceof PdfSyntaxError)) throw e;
  }
}
