/**
 * Audit of the xref sections written after a signature (pdf-insecurity.org shadow attacks, NDSS 2021;
 * ISO 32000-1 §7.5.6): every entry must point into its own update at a matching object header, compressed
 * entries must live in a rewritten object stream, no object may be freed, and no object may be defined in
 * an update without being listed (readers that parse sequentially would see it; pdf-lib does).
 */
import type { PdfFile } from './pdf-file.js';
import { sameValue } from './pdf-lexer.js';

/** One finding: the object concerned (if any) and why it is structural tampering. */
export type AuditFinding = { object: number | null; why: string };

/** Audit revision `r` (> 0) against the revision before it. */
export function auditRevision(file: PdfFile, r: number): AuditFinding[] {
  const out: AuditFinding[] = [];
  const rev = file.revisions[r]!;
  const prevEnd = file.revisions[r - 1]!.end;
  if (prevEnd === null || rev.end === null) return [{ object: null, why: 'revision without a matching startxref/%%EOF' }];
  if (rev.xrefOffset < prevEnd || rev.xrefOffset >= rev.end) out.push({ object: null, why: 'xref section outside its update' });
  // The trailer may not swap the document catalog or its encryption (a whole new document behind old signatures).
  const prevTrailer = file.revisions[r - 1]!.trailer;
  for (const k of ['Root', 'Encrypt']) {
    if (!sameValue(file.buf, prevTrailer.get(k), rev.trailer.get(k))) out.push({ object: null, why: `trailer /${k} changed` });
  }
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
      } catch {
        out.push({ object: num, why: `no object ${num} at its xref offset` });
      }
    } else if (e.type === 'c') {
      const holder = rev.entries.get(e.stream);
      if (!holder || holder.type !== 'n') out.push({ object: num, why: `object ${num} compressed in a stream not rewritten in this update` });
    } else if (num !== 0) {
      const before = file.entry(num, r - 1);
      if (before && before.entry.type !== 'f') out.push({ object: num, why: `object ${num} deleted` });
    }
  }
  if (rev.isStream) {
    try { covered.push([rev.xrefOffset, file.parseIndirect(rev.xrefOffset, r).end]); } catch { /* reported by the reader */ }
  }
  // Object definitions the xref does not list (outside any listed object's extent, e.g. not inside a stream).
  const region = file.buf.toString('latin1', prevEnd, rev.end);
  for (const m of region.matchAll(/(?:^|[\s>\]])(\d+)\s+(\d+)\s+obj\b/g)) {
    const at = prevEnd + m.index! + (m[0].length - m[0].trimStart().length);
    if (covered.some(([s, e]) => at >= s && at < e)) continue;
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
