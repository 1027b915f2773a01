import type { AttachmentStore } from '../mail/source.js';
import type { MailAttachment } from '../mail/types.js';
import { withoutTrailingJunk } from '../pdf/info.js';
import { extractPdfText, type PdfReadOptions } from '../pdf/text.js';
import { extractPdfTextInRanges } from '../pdf/text-ranged.js';

/** A PDF above this size is read by pdfjs in ranges (docs/hostile-input.md §Memory of one large mail). */
export const TEXT_IN_RANGES_ABOVE = 4 * 1024 * 1024;

/**
 * The text of a PDF attachment (pdf/text.ts). A large one is read by pdfjs in ranges of the bytes
 * already held (pdf/text-ranged.ts): pdfjs loads the chunks it needs instead of parsing over the
 * whole file, and the attachment keeps its one copy (docs/hostile-input.md §Memory of one large mail).
 */
export async function readPdfText(a: MailAttachment, _store: AttachmentStore | undefined, opts: PdfReadOptions): ReturnType<typeof extractPdfText> {
  if (a.content.length <= TEXT_IN_RANGES_ABOVE) return extractPdfText(a.content, opts);
  const bytes = withoutTrailingJunk(a.content);
  // A copy of each chunk: pdfjs may detach what it is given, and the attachment's bytes are kept.
  return extractPdfTextInRanges(async (begin, end) => Uint8Array.prototype.slice.call(bytes, begin, end), bytes.length, { maxPages: opts.maxPages, limits: opts.limits });
}
