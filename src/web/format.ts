/**
 * How the web app shows things to a Vietnamese clerk: labels instead of codes, Vietnam time as
 * dd/mm/yyyy HH:mm, NFC text (docs/security.md §Pages and files). Pure.
 */
import { RECIPIENT_STATUS_LABEL } from '../domain/outgoing/recipient-state.js';
import { isoToDisplay, vnDateTimeDisplay } from '../domain/vn-time.js';
import { STATUS_CODES } from '../edxml/codes.js';

export const ENTRY_STATUS_VI: Record<string, string> = {
  registered: 'Đã vào sổ',
  held: 'Chờ văn thư xem xét',
  assigned: 'Đã phân công',
  processing: 'Đang xử lý',
  done: 'Hoàn thành',
  cancelled: 'Đã bị thu hồi',
};

export const URGENCY_VI: Record<string, string> = { normal: 'Thường', khan: 'Khẩn', 'thuong-khan': 'Thượng khẩn', 'hoa-toc': 'Hỏa tốc' };

export const VERDICT_VI: Record<string, string> = {
  valid: 'Hợp lệ',
  invalid: 'Không hợp lệ',
  indeterminate: 'Chưa xác định được',
  unsigned: 'Không có chữ ký số',
  unreadable: 'Tệp không đọc được',
  none: 'Không có tệp PDF',
  found: 'Có chữ ký (chưa kiểm tra)',
};

export const SOURCE_VI: Record<string, string> = { email: 'Thư điện tử', paper: 'Văn bản giấy (bản quét)' };

/** Names of fields a clerk may complete, in the order of the form. */
export const FIELD_VI: Record<string, string> = {
  issuer: 'Cơ quan ban hành',
  numberNotation: 'Số, ký hiệu',
  date: 'Ngày văn bản',
  type: 'Tên loại',
  summary: 'Trích yếu',
};

/** Register columns a clerk may complete, as the change history names them. */
export const COLUMN_VI: Record<string, string> = {
  issuer_name: 'Cơ quan ban hành',
  number_notation: 'Số, ký hiệu',
  doc_date: 'Ngày văn bản',
  doc_type: 'Tên loại',
  summary: 'Trích yếu',
  signer_position: 'Chức vụ người ký',
  signer_name: 'Họ tên người ký',
};

export const QUARANTINE_STATE_VI: Record<string, string> = { open: 'Đang chờ xử lý', retried: 'Đã xử lý lại', released: 'Đã chuyển văn thư', discarded: 'Đã đóng' };

export const ROLE_VI: Record<string, string> = { operator: 'Quản trị', clerk: 'Văn thư', viewer: 'Chỉ xem' };

export const REPORT_KIND_VI: Record<string, string> = {
  status: 'Gói trạng thái (edXML)',
  'delivery-report': 'Báo cáo chuyển phát (DSN)',
  'read-receipt': 'Xác nhận đã đọc (MDN)',
  reply: 'Thư trả lời',
  recall: 'Yêu cầu thu hồi',
};

export const EFFECT_VI: Record<string, string> = {
  moved: 'Cập nhật trạng thái',
  duplicate: 'Trùng, bỏ qua',
  'out-of-order': 'Đến muộn, chỉ lưu lịch sử',
  illegal: 'Không hợp lệ với trạng thái hiện tại',
  noted: 'Ghi nhận',
  orphan: 'Không khớp văn bản nào',
  cancelled: 'Hủy',
};

export const EVENT_VI: Record<string, string> = {
  WEB_ACTION: 'Thao tác',
  ENTRY_STATUS: 'Chuyển trạng thái',
  INTAKE_REGISTERED: 'Vào sổ',
  SUBMIT_REGISTERED: 'Đăng ký văn bản đi',
  RECALL_SENT: 'Thu hồi',
  ENTRY_FIELDS_COMPLETED: 'Bổ sung thông tin',
  QUARANTINE_RETRY: 'Xử lý lại',
  QUARANTINE_RELEASE: 'Chuyển văn thư',
  QUARANTINE_DISCARD: 'Đóng',
  ORPHAN_ATTACHED: 'Gắn phản hồi',
  WEB_LOGIN: 'Đăng nhập',
  WEB_LOGIN_FAILED: 'Đăng nhập sai',
  WEB_LOGIN_LOCKED: 'Khóa đăng nhập',
  WEB_LOGOUT: 'Đăng xuất',
};

/** Action names recorded in WEB_ACTION events → Vietnamese. */
export const ACTION_VI: Record<string, string> = {
  'entry.status': 'Chuyển trạng thái văn bản đến',
  'entry.fields': 'Bổ sung thông tin văn bản đến',
  'paper.register': 'Vào sổ văn bản giấy',
  'outgoing.draft': 'Tạo bản nháp văn bản đi',
  'outgoing.send': 'Gửi văn bản đi',
  'outgoing.recall': 'Thu hồi văn bản đi',
  'quarantine.retry': 'Xử lý lại thư cách ly',
  'quarantine.release': 'Chuyển thư cách ly cho văn thư',
  'quarantine.discard': 'Đóng thư cách ly',
  'orphan.attach': 'Gắn phản hồi không khớp',
  'directory.import': 'Nhập danh bạ cơ quan',
  'user.add': 'Tạo tài khoản',
  'user.disable': 'Khóa tài khoản',
  'user.password': 'Đổi mật khẩu',
  'token.create': 'Tạo mã API',
  'token.revoke': 'Thu hồi mã API',
  'api.submit': 'Gửi văn bản đi (API)',
  'api.recall': 'Thu hồi văn bản đi (API)',
  'api.status': 'Chuyển trạng thái (API)',
};

/** dd/mm/yyyy HH:mm, Vietnam time; '' for nothing. */
export function when(iso: string | null | undefined): string {
  return iso ? vnDateTimeDisplay(new Date(iso)) : '';
}

/** dd/mm/yyyy from YYYY-MM-DD; '' for nothing. */
export function day(ymd: string | null | undefined): string {
  return ymd ? isoToDisplay(ymd) : '';
}

/** A recipient state in words. */
export function recipientLabel(status: string): string {
  return (RECIPIENT_STATUS_LABEL as Record<string, string>)[status] ?? status;
}

/** An edXML status code in words ("03 – Đã tiếp nhận"). */
export function statusCodeLabel(code: string | null | undefined): string {
  if (!code) return '';
  const known = (STATUS_CODES as Record<string, { label: string }>)[code];
  return known ? `${code} – ${known.label}` : code;
}

/** A label from a table, or the raw value when the table has none. */
export function label(table: Record<string, string>, value: string | null | undefined): string {
  return value == null ? '' : (table[value] ?? value);
}

/** Bytes as a person reads them. */
export function size(bytes: number | string | null | undefined): string {
  const n = Number(bytes ?? 0);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** Warnings on an entry, in words (the codes intake writes; DUPLICATE_OF is shown as a link instead). */
export const WARNING_VI: Record<string, string> = {
  UNSIGNED: 'Văn bản không có chữ ký số: chỉ có giá trị tham khảo.',
  SIGNATURE_INDETERMINATE: 'Chưa xác định được chữ ký số (thiếu thông tin thu hồi hoặc chuỗi chứng thư).',
  SIGNATURE_NOT_VERIFIED: 'Có tệp chưa kiểm tra được chữ ký số.',
  ANNEX_UNSIGNED: 'Có phụ lục không ký số.',
  NON_PDF_ATTACHMENTS: 'Thư có tệp không phải PDF.',
  WRONG_RECIPIENT: 'Văn bản không ghi cơ quan mình là nơi nhận.',
  SCAN_NOT_SEALED: 'Bản quét chưa có chữ ký số của cơ quan.',
};

/** Why a mail was quarantined, in words (reason codes; the stored Vietnamese reason is shown beside). */
export const QUARANTINE_REASON_VI: Record<string, string> = {
  MAIL_TOO_LARGE: 'Thư vượt dung lượng cho phép',
  MAIL_UNPARSEABLE: 'Thư hỏng, không đọc được cấu trúc MIME',
  SECRET_DOCUMENT: 'Văn bản có dấu mật',
  UNKNOWN_KIND: 'Không nhận dạng được loại thư',
  TOO_MANY_ATTEMPTS: 'Xử lý lỗi nhiều lần',
};

/** Who did something, from an event's data: an actor object (web, API) or a name (CLI, services); "Hệ thống" otherwise. */
export function actorText(data: Record<string, unknown>): string {
  const a = data.actor;
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && typeof (a as { label?: unknown }).label === 'string') return (a as { label: string }).label;
  if (typeof data.source === 'string') return `Nguồn: ${data.source}`;
  return 'Hệ thống';
}

/** Short Vietnamese words for the codes intake writes into an entry's history notes. */
const NOTE_CODES_VI: Record<string, string> = {
  UNSIGNED: 'không có chữ ký số',
  SIGNATURE_INDETERMINATE: 'chưa xác định được chữ ký số',
  SIGNATURE_NOT_VERIFIED: 'có tệp chưa kiểm tra được chữ ký',
  ANNEX_UNSIGNED: 'phụ lục không ký số',
  NON_PDF_ATTACHMENTS: 'có tệp không phải PDF',
  WRONG_RECIPIENT: 'không ghi cơ quan mình là nơi nhận',
  SCAN_NOT_SEALED: 'bản quét chưa ký số',
};

/** A history note with intake's codes in words (DUPLICATE_OF:2026/3 → "có thể trùng số đến 3/2026"). */
export function noteText(note: string | null | undefined): string {
  return (note ?? '')
    .replace(/\bDUPLICATE_OF:(\d{4})\/(\d+)/g, (_m, y: string, n: string) => `có thể trùng số đến ${n}/${y}`)
    .replace(/\b[A-Z][A-Z_]{4,}\b/g, code => NOTE_CODES_VI[code] ?? code);
}
