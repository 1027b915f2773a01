/** What intake records about one PDF: pages, signatures and the verdict (docs/signatures.md §Verdicts). */
export type PdfCheck = {
  pages: number | null;
  signaturesFound: number;
  /** `unreadable` = not a readable PDF. */
  verdict: 'valid' | 'invalid' | 'indeterminate' | 'unsigned' | 'unreadable';
  reasons: string[];
  summaryVi: string;
  report: unknown;
};

export type PdfVerifier = (pdf: Buffer, now: Date) => Promise<PdfCheck>;
