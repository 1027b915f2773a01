/**
 * Resource limits for reading one untrusted PDF (docs/hostile-input.md §PDF signature verification
 * limits): total and per-stream inflated bytes, the inflate ratio, and a parse-work budget that keeps the reader
 * linear in the file's size. Hitting one is a verdict (indeterminate, DECOMPRESSION_LIMIT or
 * PARSE_LIMIT), never an exception that escapes verifyPdf.
 */

/** The limits; `defaultLimits` sizes them for a file. */
export type PdfLimits = {
  /** Bytes one stream may inflate to. */
  maxStreamOutput: number;
  /** Bytes all streams of the file may inflate to together. */
  maxTotalOutput: number;
  /** Output/input ratio allowed once a stream's output exceeds `ratioFloor` (zlib's own maximum is ~1032). */
  maxRatio: number;
  ratioFloor: number;
  /** Bytes the lexer may step over in total (parse work). */
  maxWork: number;
};

/** Limits for a file of `size` bytes: work linear in the size (each byte may be read ~32 times). */
export function defaultLimits(size: number): PdfLimits {
  return {
    maxStreamOutput: 64 * 1024 * 1024,
    maxTotalOutput: 128 * 1024 * 1024,
    maxRatio: 200,
    ratioFloor: 4 * 1024 * 1024,
    maxWork: 32 * size + 256 * 1024 * 1024,
  };
}

/** Which limit was exceeded. */
export type LimitKind = 'decompression' | 'parse-work';

/** Thrown when a limit is exceeded; never swallowed by the readers (see `rethrowLimit`). */
export class PdfLimitError extends Error {
  constructor(readonly kind: LimitKind, message: string) { super(message); }
}

/** Rethrow a limit error from a catch block that otherwise tolerates malformed input. */
export function rethrowLimit(e: unknown): void {
  if (e instanceof PdfLimitError) throw e;
}

/** The running account of one file's reading. */
export class PdfBudget {
  inflated = 0;
  work = 0;
  constructor(readonly limits: PdfLimits) {}

  /** Charge `n` bytes of lexer work. */
  chargeWork(n: number): void {
    this.work += n;
    if (this.work > this.limits.maxWork) throw new PdfLimitError('parse-work', `parse work above ${this.limits.maxWork} bytes`);
  }

  /** The most one stream of `inputLength` bytes may inflate to now (+1 to detect the overflow). */
  inflateCap(inputLength: number): number {
    const l = this.limits;
    const byRatio = Math.max(l.ratioFloor, inputLength * l.maxRatio);
    return Math.max(0, Math.min(l.maxStreamOutput, l.maxTotalOutput - this.inflated, byRatio));
  }

  /** Record an inflated stream. */
  chargeInflate(outputLength: number): void {
    this.inflated += outputLength;
  }
}
