import type { AttachmentStore } from '../mail/source.js';
import type { MailAttachment } from '../mail/types.js';
import { extractPdfText, type PdfReadOptions } from '../pdf/text.js';

/**
 * The text of a PDF attachment (pdf/text.ts). A large one that is in the store is handed to pdfjs
 * without a copy (pdfjs detaches what it is given) and read back from the store afterwards: one
 * copy of the file in memory instead of two (docs/hostile-input.md §Memory of one large mail).
 */
export async function readPdfText(a: MailAttachment, store: AttachmentStore | undefined, opts: PdfReadOptions): ReturnType<typeof extractPdfText> {
  if (!store || a.size <= store.above || !(await store.has(a.sha256))) return extractPdfText(a.content, opts);
  const given = a.content;
  a.content = Buffer.alloc(0);
  try {
    return await extractPdfText(given, { ...opts, giveUp: true });
  } finally {
    a.content = await store.get(a.sha256);
  }
}
