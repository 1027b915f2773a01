/**
 * Linear scans of the whole file: the `startxref N %%EOF` tails, and the reconstruction of the
 * revisions when the cross-reference data is broken (what poppler does: find every `N G obj`
 * outside stream data, cut revisions at each %%EOF, take trailers from `trailer` or /Type /XRef).
 * One regular-expression pass each, so a file with megabytes of junk stays linear.
 */
import { PdfDict, PdfName, PdfRef, type PdfValue } from './pdf-lexer.js';

/** `startxref N %%EOF`: where it starts, the offset N, and the byte after %%EOF. */
export type Tail = { at: number; offset: number; end: number };

/** Every well-formed tail in the file, in order (native `indexOf`, no copy of the file). */
export function scanTails(buf: Buffer): Tail[] {
  const out: Tail[] = [];
  for (let at = buf.indexOf('startxref'); at >= 0; at = buf.indexOf('startxref', at + 9)) {
    const m = buf.toString('latin1', at + 9, at + 48).match(/^[\0\t\n\f\r ]*(\d{1,12})[\0\t\n\f\r ]*%%EOF/);
    if (m) out.push({ at, offset: Number(m[1]), end: at + 9 + m[0].length });
  }
  return out;
}

/** One object definition found by scanning. */
export type ScannedObject = { num: number; gen: number; offset: number; objStm: boolean; xref: boolean; catalog: boolean };

/** A revision as found by scanning: the objects defined in it, its trailer and xref stream positions. */
export type ScannedSegment = { start: number; end: number | null; objects: ScannedObject[]; trailers: number[] };

const SCAN = /(?<![0-9A-Za-z.+\-])(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj(?![A-Za-z0-9])|endstream|(?<![A-Za-z])stream(?=\r\n|\n|\r)|(?<![A-Za-z])trailer(?![A-Za-z])|%%EOF|\/Type[\0\t\n\f\r ]*\/(ObjStm|XRef|Catalog)(?![A-Za-z0-9])/g;

/** Cut the file into revisions at each %%EOF and list the objects each defines (outside stream data). */
export function scanSegments(text: string): ScannedSegment[] {
  const segments: ScannedSegment[] = [];
  let cur: ScannedSegment = { start: 0, end: null, objects: [], trailers: [] };
  let inStream = false;
  let last: ScannedObject | null = null;
  for (const m of text.matchAll(SCAN)) {
    const tok = m[0];
    if (inStream) { if (tok === 'endstream') inStream = false; continue; }
    if (m[1] !== undefined) {
      last = { num: Number(m[1]), gen: Number(m[2]), offset: m.index!, objStm: false, xref: false, catalog: false };
      cur.objects.push(last);
    } else if (tok === 'stream') inStream = true;
    else if (tok === 'trailer') cur.trailers.push(m.index! + tok.length);
    else if (tok === '%%EOF') {
      cur.end = m.index! + 5;
      segments.push(cur);
      cur = { start: cur.end, end: null, objects: [], trailers: [] };
      last = null;
    } else if (m[3] !== undefined && last) {
      if (m[3] === 'ObjStm') last.objStm = true;
      else if (m[3] === 'XRef') last.xref = true;
      else last.catalog = true;
    }
  }
  if (cur.objects.length || cur.trailers.length) segments.push(cur);
  return segments;
}

/** A trailer naming only the catalog, for a reconstructed revision that has none. */
export function syntheticTrailer(root: number, gen: number): PdfDict {
  return new PdfDict(new Map<string, PdfValue>([['Root', new PdfRef(root, gen)], ['Type', new PdfName('Trailer')]]), -1, -1);
}
