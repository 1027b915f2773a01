/**
 * Text of a PDF's first pages (pdfjs-dist legacy build for Node), for metadata extraction
 * ("Số: 12/QĐ-UBND", the date line, the type line, the signer block). Never throws: a broken or
 * encrypted PDF gives `{ error }`. No worker thread (pdfjs falls back to its in-process "fake worker"
 * in Node), no font loading, no eval.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEFAULT_DECODE_LIMITS } from '../config/schema.js';
import type { LimitExceeded } from '../domain/limits.js';
import { checkPdfStreams } from './stream-budget.js';
import { withoutTrailingJunk, type PdfBudgetOptions } from './info.js';

// pdfjs takes ~0.6 s to load: loaded on first use, so commands that never read a PDF start fast.
let pdfjs: Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | undefined;

export type TextItemLike = { str: string; hasEOL?: boolean; transform?: number[] };

/** Default number of pages read: the header, date and type are on page 1, the signer block often on the last. */
export const DEFAULT_MAX_PAGES = 3;

export type PdfReadOptions = PdfBudgetOptions & {
  maxPages?: number;
  /**
   * The caller gives `pdf` up: pdfjs takes its memory instead of a copy when it covers its whole
   * ArrayBuffer, and `pdf` is empty afterwards (docs/hostile-input.md §Memory of one large mail).
   */
  giveUp?: boolean;
};

/**
 * Extract the text of the first `maxPages` pages (and the last page), lines joined with '\n', NFC.
 * The file's streams are first checked against the decompression limits (stream-budget.ts): a bomb
 * gives `{ error, exceeded }` before pdfjs allocates anything.
 */
export async function extractPdfText(pdf: Buffer, opts: PdfReadOptions = {}): Promise<{ text: string; pages: number } | { error: string; exceeded?: LimitExceeded }> {
  let doc: PDFDocumentProxy | undefined;
  if (!opts.budgetChecked) {
    const budget = checkPdfStreams(pdf, opts.limits);
    if (!budget.ok) return { error: `PDF text not read: ${budget.exceeded.detail}`, exceeded: budget.exceeded };
  }
  try {
    const { getDocument } = await (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));
    const task = getDocument({
      // pdfjs takes ownership of (detaches) the array it is given: a copy, unless the caller gives it up.
      // Up to the last %%EOF: with junk after it pdfjs finds no startxref and re-lexes the whole file.
      data: ownBytes(withoutTrailingJunk(pdf), opts.giveUp === true),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      useWorkerFetch: false,
      stopAtErrors: false,
      verbosity: 0,
    });
    doc = await task.promise;
    const pages = doc.numPages;
    const max = Math.max(1, opts.maxPages ?? (opts.limits ?? DEFAULT_DECODE_LIMITS).pdfMaxTextPages ?? DEFAULT_MAX_PAGES);
    const wanted = new Set<number>();
    for (let p = 1; p <= Math.min(pages, max); p++) wanted.add(p);
    if (pages > max) wanted.add(pages);
    const parts: string[] = [];
    for (const p of [...wanted].sort((a, b) => a - b)) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      parts.push(joinItems(content.items as TextItemLike[]));
      page.cleanup();
    }
    return { text: parts.join('\n').normalize('NFC'), pages };
  } catch (err) {
    return { error: `PDF text unreadable: ${(err as Error)?.message ?? String(err)}` };
  } finally {
    await doc?.destroy().catch(() => undefined);
  }
}

/** The bytes as pdfjs takes them (a Uint8Array, not a Buffer): the same memory when given up and whole, else a copy. */
function ownBytes(b: Buffer, giveUp: boolean): Uint8Array {
  return giveUp && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer as ArrayBuffer) : new Uint8Array(b);
}

/** Join text items into lines: a new line at hasEOL or when the baseline moves. */
export function joinItems(items: TextItemLike[]): string {
  let out = '';
  let lastY: number | null = null;
  for (const it of items) {
    if (typeof it.str !== 'string') continue;
    const y = it.transform?.[5] ?? null;
    if (lastY !== null && y !== null && Math.abs(y - lastY) > 2 && !out.endsWith('\n')) out += '\n';
    out += it.str;
    if (it.hasEOL) out += '\n';
    if (y !== null) lastY = y;
  }
  return out;
}
