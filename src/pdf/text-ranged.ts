/**
 * The text of a large PDF read by pdfjs in ranges (docs/hostile-input.md §Memory of one large mail):
 * given the whole file, pdfjs builds its parse structures over every byte (a 39 MB PDF grew the
 * thread by ~190 MB, most of it JS heap); given a range transport with auto-fetch off, it asks only
 * for the chunks the xref, the page tree and the wanted pages' content lie in. Same pages and the
 * same line joining as text.ts; the caller has checked the decompression budget first. Pure: the
 * bytes come from `read`, which the caller backs by memory or a file. Never throws.
 */
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../config/schema.js';
import { DEFAULT_MAX_PAGES, joinItems, type TextItemLike } from './text.js';

/** Bytes `begin` (inclusive) to `end` (exclusive) of the file. */
export type RangeRead = (begin: number, end: number) => Promise<Uint8Array>;

/** The chunk pdfjs asks for at a time (its default is 64 KiB). */
export const RANGE_CHUNK = 64 * 1024;


/**
 * Extract the text of the first `maxPages` pages and the last one from a file of `length` bytes
 * (up to its last %%EOF: with junk after it pdfjs re-lexes the whole file) read through `read`.
 */
export async function extractPdfTextInRanges(read: RangeRead, length: number, opts: { maxPages?: number; limits?: DecodeLimits } = {}): Promise<{ text: string; pages: number } | { error: string }> {
  const { getDocument, PDFDataRangeTransport } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let failed: ((e: Error) => void) | undefined;
  const readFailed = new Promise<never>((_, reject) => (failed = reject));
  readFailed.catch(() => undefined);
  class Transport extends PDFDataRangeTransport {
    override requestDataRange(begin: number, end: number): void {
      read(begin, Math.min(end, length)).then(
        chunk => this.onDataRange(begin, chunk),
        (err: unknown) => failed!(err instanceof Error ? err : new Error(String(err))),
      );
    }
  }
  const transport = new Transport(length, new Uint8Array(0));
  const task = getDocument({
    range: transport, length, rangeChunkSize: RANGE_CHUNK, disableAutoFetch: true, disableStream: true,
    isEvalSupported: false, disableFontFace: true, useSystemFonts: false, useWorkerFetch: false, stopAtErrors: false, verbosity: 0,
  });
  // A read that fails would leave pdfjs waiting for its chunk: the task is ended with the error.
  const doc = await Promise.race([task.promise, readFailed]).catch((err: unknown) => err as Error);
  try {
    if (doc instanceof Error) return { error: `PDF text unreadable: ${doc.message}` };
    const pages = doc.numPages;
    const max = Math.max(1, opts.maxPages ?? (opts.limits ?? DEFAULT_DECODE_LIMITS).pdfMaxTextPages ?? DEFAULT_MAX_PAGES);
    const wanted = new Set<number>();
    for (let p = 1; p <= Math.min(pages, max); p++) wanted.add(p);
    if (pages > max) wanted.add(pages);
    const parts: string[] = [];
    for (const p of [...wanted].sort((a, b) => a - b)) {
      const page = await Promise.race([doc.getPage(p), readFailed]);
      const content = await Promise.race([page.getTextContent(), readFailed]);
      parts.push(joinItems(content.items as TextItemLike[]));
      page.cleanup();
    }
    return { text: parts.join('\n').normalize('NFC'), pages };
  } catch (err) {
    return { error: `PDF text unreadable: ${(err as Error)?.message ?? String(err)}` };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
