/**
 * Audit of the xref sections written after a signature (pdf-insecurity.org shadow attacks, NDSS 2021;
 * ISO 32000-2 §7.5.6): every entry must point into its own update at a matching object header,
 * compressed entries must live in an object stream rewritten by the update, and no object may be
 * defined in an update without being listed (sequential parsers would see it). Deletions and the
 * trailer are judged by the decision table (object-diff.ts). Linear in the update's size.
 */
import type { PdfFile } from './pdf-file.js';
import { rethrowLimit } from './pdf-limits.js';

/** One finding: the object concerned (if any) and why it is structural tampering. */
export type AuditFinding = { object: number | null; why: string };

/** Audit revision `r` (> 0) against the revision before it. */
export function auditRevision(file: PdfFile, r: number): AuditFinding[] {
  const out: AuditFinding[] = [];
  const rev = file.revisions[r]!;
  const prevEnd = file.revisions[r - 1]!.end;
  if (prevEnd === null || rev.end === null) return [{ object: null, why: 'revision without a matching startxref/%%EOF' }];
  if (rev.xrefOffset < prevEnd || rev.xrefOffset >= rev.end) out.push({ object: null, why: 'xref section outside its update' });
  const covered: Array<[number, number]> = [];
  for (const [num, e] of rev.entries) {
    if (e.type === 'n') {
      if (e.offset < prevEnd || e.offset >= rev.end) {
        out.push({ object: num, why: `xref points object ${num} outside its update (offset ${e.offset})` });
        continue;
      }
      try {
        const o = file.parseIndirect(e.offset, r);
        if (o.num !== num || o.gen !== e.gen) out.push({ object: num, why: `xref entry ${num} points at object ${o.num} ${o.gen}` });
        covered.push([e.offset, o.end]);
      } catch (err) {
        rethrowLimit(err);
        out.push({ object: num, why: `no object ${num} at its xref offset` });
      }
    } else if (e.type === 'c') {
      const holder = rev.entries.get(e.stream);
      if (!holder || holder.type !== 'n') out.push({ object: num, why: `object ${num} compressed in a stream not rewritten in this update` });
    }
  }
  if (rev.isStream) {
    try { covered.push([rev.xrefOffset, file.parseIndirect(rev.xrefOffset, r).end]); } catch (err) { rethrowLimit(err); /* reported by the reader */ }
  }
  // Object definitions the xref does not list (outside any listed object's extent, e.g. not inside a stream).
  covered.sort((x, y) => x[0] - y[0]);
  let k = 0;
  let reach = -1;
  const re = /(?:^|[\s>\]])(\d+)\s+(\d+)\s+obj\b/g;
  // The update's own bytes only: updates are disjoint, so all audits together read the file once.
  const text = file.buf.toString('latin1', prevEnd, rev.end);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = prevEnd + m.index + m[0].indexOf(m[1]!);
    // Matches come in increasing order: advance the sweep over the sorted extents.
    while (k < covered.length && covered[k]![0] <= at) { reach = Math.max(reach, covered[k]![1]); k++; }
    if (at < reach) continue;
    const num = Number(m[1]);
    const e = rev.entries.get(num);
    if (!e || e.type !== 'n' || e.offset !== at) out.push({ object: num, why: `object ${num} defined in an update but not in its xref` });
  }
  return out;
}

/** Bytes after the last %%EOF that are not whitespace (an update without xref/trailer, ISA attack). */
export function trailingGarbage(file: PdfFile): boolean {
  const end = file.revisions[file.revisions.length - 1]!.end;
  if (end === null) return true;
  for (let i = end; i < file.buf.length; i++) {
    const c = file.buf[i]!;
    if (!(c === 0 || c === 9 || c === 10 || c === 12 || c === 13 || c === 32)) return true;
  }
  return false;
}
