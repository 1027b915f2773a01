/**
 * edXML constants: the QCVN 102:2016 namespace, status codes (docs/status-codes.md §Status codes: the
 * "9 mã trạng thái QĐ 28") and business document types (Bussiness/BussinessDocType, Bkav enum
 * NEW, REVOKE, UPDATE, REPLACE). The misspelling "Bussiness" is the wire name.
 */

/** XML namespace of QCVN 102:2016/BTTTT; every element inside the envelope carries the `edXML:` prefix. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** Attachment file names on the mail channel (docs/edxml.md §File names). */
export const ENVELOPE_FILENAME = 'vanban.edxml';
export const STATUS_FILENAME = 'trangthai.edxml';

export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

/** Status codes with their Vietnamese labels and who sends them. */
export const STATUS_CODES: Readonly<Record<StatusCode, { label: string; sender: 'receiver' | 'sender'; meaning: string }>> = {
  '01': { label: 'Đã đến', sender: 'receiver', meaning: 'arrived' },
  '02': { label: 'Từ chối tiếp nhận', sender: 'receiver', meaning: 'refused (reason in Description)' },
  '03': { label: 'Đã tiếp nhận', sender: 'receiver', meaning: 'received and registered' },
  '04': { label: 'Đã phân công', sender: 'receiver', meaning: 'assigned' },
  '05': { label: 'Đang xử lý', sender: 'receiver', meaning: 'processing' },
  '06': { label: 'Hoàn thành', sender: 'receiver', meaning: 'done' },
  '13': { label: 'Yêu cầu thu hồi', sender: 'sender', meaning: 'recall (or update) requested' },
  '15': { label: 'Đồng ý thu hồi', sender: 'receiver', meaning: 'recall accepted' },
  '16': { label: 'Từ chối thu hồi', sender: 'receiver', meaning: 'recall refused' },
};

/** True when `code` is one of the nine known status codes. */
export function isStatusCode(code: string): code is StatusCode {
  return Object.hasOwn(STATUS_CODES, code);
}

/** A status code as two digits ('3' → '03'); null when not a known code. */
export function normalizeStatusCode(code: string | number | null | undefined): StatusCode | null {
  if (code === null || code === undefined) return null;
  const s = String(code).trim();
  if (!/^\d{1,2}$/u.test(s)) return null;
  const two = s.padStart(2, '0');
  return isStatusCode(two) ? two : null;
}

export type BusinessDocType = 0 | 1 | 2 | 3;

/** BussinessDocType: 0 new, 1 revoke (thu hồi), 2 update, 3 replace. */
export const BUSINESS_DOC_TYPES: Readonly<Record<BusinessDocType, { name: 'new' | 'revoke' | 'update' | 'replace'; label: string }>> = {
  0: { name: 'new', label: 'Văn bản mới' },
  1: { name: 'revoke', label: 'Thu hồi' },
  2: { name: 'update', label: 'Cập nhật' },
  3: { name: 'replace', label: 'Thay thế' },
};

/** BussinessDocType value → 0..3, or null when unknown. */
export function normalizeBusinessDocType(v: string | number | null | undefined): BusinessDocType | null {
  if (v === null || v === undefined || String(v).trim() === '') return null;
  const n = Number(String(v).trim());
  return n === 0 || n === 1 || n === 2 || n === 3 ? n : null;
}
