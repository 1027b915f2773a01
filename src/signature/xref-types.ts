/**
 * The shapes shared by the PDF reader (pdf-file.ts) and the cross-reference readers it calls
 * (xref-read.ts, xref-recover.ts): an xref entry, a revision, and what those readers need of the
 * file. Kept apart so the readers depend on this, not on the reader that calls them.
 */
import { isWs, type PdfDict, type PdfStream, type PdfValue } from './pdf-lexer.js';
import type { PdfBudget } from './pdf-limits.js';

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
  /** Built by scanning because the file's own xref data was unusable. */
  recovered?: boolean;
};

/** What the xref readers use of a PDF file (PdfFile implements it). */
export interface XrefSource {
  readonly buf: Buffer;
  readonly text: string;
  readonly budget: PdfBudget;
  revisions: Revision[];
  object(num: number, rev?: number): PdfValue;
  parseIndirect(offset: number, rev?: number): { num: number; gen: number; value: PdfValue; end: number };
  decode(s: PdfStream, rev?: number): Buffer;
}

/** Skip whitespace after an xref offset (common off-by-EOL writers). */
export function skipWsFrom(buf: Buffer, start: number): number {
  let off = start;
  while (isWs(buf[off]) && off < start + 16) off++;
  return off;
}
