import { pdfInfo } from '../pdf/info.js';

/** What intake records about one PDF: pages, signatures and the verdict (SPEC §4). */
export type PdfCheck = {
  pages: number | null;
  signaturesFound: number;
  /** `found` = signatures present but not verified (no verifier configured). */
  verdict: 'valid' | 'invalid' | 'indeterminate' | 'unsigned' | 'found' | 'unreadable';
  reasons: string[];
  summaryVi: string;
  report: unknown;
};

export type PdfVerifier = (pdf: Buffer, now: Date) => Promise<PdfCheck>;

/**
 * The verifier without trust configuration: it reads the PDF (pdf-lib) and records whether it
 * carries signatures, without judging them.
 */
export const presenceVerifier: PdfVerifier = async pdf => {
  const info = await pdfInfo(pdf);
  if (info.error || info.pages === null) {
    return { pages: null, signaturesFound: 0, verdict: 'unreadable', reasons: ['PDF_UNREADABLE'], summaryVi: 'Tệp không đọc được như một tệp PDF.', report: info };
  }
  const found = info.signatureFields;
  return {
    pages: info.pages,
    signaturesFound: found,
    verdict: found > 0 ? 'found' : 'unsigned',
    reasons: found > 0 ? [] : ['NO_SIGNATURE'],
    summaryVi: found > 0 ? `Có ${found} chữ ký số (chưa kiểm tra).` : 'Văn bản không có chữ ký số.',
    report: info,
  };
};
