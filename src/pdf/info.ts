/**
 * PDF facts for the intake check (QĐ 1123 Art. 12.3: pages per document): page count, number of
 * signature fields, encryption. pdf-lib, lenient; never throws.
 */
import { PDFDocument, PDFDict, PDFName, PDFArray, PDFRef, type PDFObject } from 'pdf-lib';
import type { DecodeLimits } from '../config/schema.js';
import type { LimitExceeded } from '../domain/limits.js';
import { checkPdfStreams } from './stream-budget.js';

/** How a PDF reader keeps to the decompression budget (stream-budget.ts); text.ts reads with the same. */
export type PdfBudgetOptions = {
  /** Decompression limits (default: the schema's defaults). */
  limits?: DecodeLimits;
  /** The caller already ran checkPdfStreams on these bytes (it passed): skip the second pass. */
  budgetChecked?: boolean;
};

export type PdfInfo = { pages: number | null; signatureFields: number; encrypted: boolean; error?: string; exceeded?: LimitExceeded };

/**
 * Page count, signed signature fields (/FT /Sig with a /V; raw `/ByteRange` count as a fallback),
 * encryption. pdf-lib inflates object streams while loading: the streams are checked against the
 * decompression limits first (stream-budget.ts), unless the caller did.
 */
export async function pdfInfo(pdf: Buffer, opts: PdfBudgetOptions = {}): Promise<PdfInfo> {
  const latin = pdf.toString('latin1');
  const byteRanges = (latin.match(/\/ByteRange\s*\[/gu) ?? []).length;
  const encryptedRaw = /\/Encrypt\s+\d+\s+\d+\s+R/u.test(latin) || /\/Encrypt\s*<</u.test(latin);
  if (!pdf.subarray(0, 1024).includes('%PDF-', 0, 'latin1')) {
    return { pages: null, signatureFields: byteRanges, encrypted: encryptedRaw, error: 'not a PDF (no %PDF- header)' };
  }
  if (!opts.budgetChecked) {
    const budget = checkPdfStreams(pdf, opts.limits);
    if (!budget.ok) return { pages: null, signatureFields: byteRanges, encrypted: encryptedRaw, error: `PDF not read: ${budget.exceeded.detail}`, exceeded: budget.exceeded };
  }
  try {
    const doc = await PDFDocument.load(withoutTrailingJunk(pdf), { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
    const pages = doc.getPageCount();
    let sigs = 0;
    try {
      sigs = countSignedSigFields(doc);
    } catch {
      sigs = 0;
    }
    return { pages, signatureFields: sigs > 0 ? sigs : byteRanges, encrypted: doc.isEncrypted || encryptedRaw };
  } catch (err) {
    return { pages: null, signatureFields: byteRanges, encrypted: encryptedRaw, error: `PDF unreadable: ${(err as Error)?.message ?? String(err)}` };
  }
}

/** Walk AcroForm /Fields (with /Kids) and count /FT /Sig fields that carry a /V. */
function countSignedSigFields(doc: PDFDocument): number {
  const acro = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = acro?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (!fields) return 0;
  let count = 0;
  const seen = new Set<PDFObject>();
  const visit = (obj: PDFObject | undefined, inheritedSig: boolean, depth: number): void => {
    if (!obj || depth > 32) return;
    const dict = obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
    if (!(dict instanceof PDFDict) || seen.has(dict)) return;
    seen.add(dict);
    const ft = dict.get(PDFName.of('FT'));
    const isSig = ft ? ft === PDFName.of('Sig') : inheritedSig;
    if (isSig && dict.get(PDFName.of('V'))) count++;
    const kids = dict.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let i = 0; i < kids.size(); i++) visit(kids.get(i), isSig, depth + 1);
  };
  for (let i = 0; i < fields.size(); i++) visit(fields.get(i), false, 0);
  return count;
}

const EOF_MARK = Buffer.from('%%EOF', 'latin1');

/**
 * The file up to the end of its last `%%EOF` line (ISO 32000-1 §7.5.5: the last line of a PDF;
 * an incremental update ends with its own, so nothing of the document is cut). pdf-lib parses
 * every byte from the start, ~2.5 s per MB of appended junk; what follows the marker is no PDF.
 */
export function withoutTrailingJunk(pdf: Buffer): Buffer {
  const at = pdf.lastIndexOf(EOF_MARK);
  if (at < 0) return pdf;
  let end = at + EOF_MARK.length;
  while (end < pdf.length && end < at + EOF_MARK.length + 2 && (pdf[end] === 0x0d || pdf[end] === 0x0a)) end++;
  return end < pdf.length ? pdf.subarray(0, end) : pdf;
}
