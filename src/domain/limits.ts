/**
 * What happens when hostile input exceeds a decompression or parsing limit (docs/hostile-input.md
 * §Limits): a typed result with a reason code and a Vietnamese reason the intake quarantines with,
 * never an exception. The limits themselves are the `limits.decode` table of src/config/schema.ts.
 */

/** One reason code per limit kind. */
export type LimitCode =
  | 'MIME_TOO_MANY_PARTS'
  | 'MIME_TOO_LARGE'
  | 'ZIP_TOO_MANY_ENTRIES'
  | 'ZIP_TOO_LARGE'
  | 'ZIP_RATIO'
  | 'ZIP_NESTING'
  | 'PDF_STREAM_TOO_LARGE'
  | 'PDF_TOO_LARGE'
  | 'PDF_RATIO'
  | 'PDF_TOO_MANY_STREAMS';

/** A limit exceeded: the code, the Vietnamese reason for the clerk and the sender, and an English detail for the log. */
export type LimitExceeded = { reasonCode: LimitCode; reasonVi: string; detail: string };

/** Vietnamese reasons (quarantine and refusal text), one per code. */
export const LIMIT_REASONS_VI: Readonly<Record<LimitCode, string>> = {
  MIME_TOO_MANY_PARTS: 'Thư có quá nhiều phần nội dung (MIME); không xử lý tự động, thư gốc được lưu.',
  MIME_TOO_LARGE: 'Nội dung giải mã của thư vượt quá dung lượng cho phép; không xử lý tự động, thư gốc được lưu.',
  ZIP_TOO_MANY_ENTRIES: 'Tệp nén (ZIP) trong gói tin edXML có quá nhiều tệp; không giải nén.',
  ZIP_TOO_LARGE: 'Tệp nén (ZIP) trong gói tin edXML giải nén ra vượt quá dung lượng cho phép; không giải nén.',
  ZIP_RATIO: 'Tệp nén (ZIP) trong gói tin edXML có tỷ lệ nén bất thường (nghi là “bom nén”); không giải nén.',
  ZIP_NESTING: 'Tệp nén (ZIP) lồng nhau quá nhiều lớp trong gói tin edXML; không giải nén.',
  PDF_STREAM_TOO_LARGE: 'Tệp PDF chứa luồng dữ liệu nén giải nén ra quá lớn (nghi là “bom nén”); không đọc nội dung.',
  PDF_TOO_LARGE: 'Tổng dữ liệu giải nén của tệp PDF vượt quá dung lượng cho phép; không đọc nội dung.',
  PDF_RATIO: 'Tệp PDF chứa luồng dữ liệu có tỷ lệ nén bất thường (nghi là “bom nén”); không đọc nội dung.',
  PDF_TOO_MANY_STREAMS: 'Tệp PDF có quá nhiều luồng dữ liệu; không đọc nội dung.',
};

/** A LimitExceeded for `code`, with the English detail for the log. */
export function limitExceeded(code: LimitCode, detail: string): LimitExceeded {
  return { reasonCode: code, reasonVi: LIMIT_REASONS_VI[code], detail };
}

/** Bytes as a short English figure for details ("64 MiB"). */
export function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;
}
