import type { EntryRow } from '../db/register.js';
import { isoToDisplay, vnDateDisplay, vnDateTimeDisplay } from '../domain/vn-time.js';

/** An incoming register entry as the CLI and API show it (English keys; fields: docs/registers.md §Incoming register). */
export function entryJson(e: EntryRow, attachments: Array<Record<string, unknown>> = [], history: Array<Record<string, unknown>> = []) {
  return {
    id: e.id,
    agency: e.agency_code,
    year: e.year,
    arrivalNumber: e.arrival_number,
    arrivalAt: e.arrival_at,
    source: e.source,
    issuer: { code: e.issuer_code, name: e.issuer_name },
    numberNotation: e.number_notation,
    number: e.number,
    notation: e.notation,
    date: e.doc_date,
    type: e.doc_type,
    summary: e.summary,
    signer: { position: e.signer_position, name: e.signer_name },
    urgency: e.urgency,
    dueDate: e.due_date,
    recipients: e.recipients,
    documentId: e.document_id,
    legalValue: e.legal_value,
    signatureVerdict: e.signature_verdict,
    status: e.status,
    missing: JSON.parse(e.missing ?? '[]') as string[],
    warnings: JSON.parse(e.warnings ?? '[]') as string[],
    sender: { address: e.sender_address, messageId: e.sender_message_id },
    attachments,
    history,
  };
}

const URGENCY_VI: Record<string, string> = { normal: 'Thường', khan: 'Khẩn', 'thuong-khan': 'Thượng khẩn', 'hoa-toc': 'Hỏa tốc' };
const VERDICT_VI: Record<string, string> = {
  valid: 'Hợp lệ',
  invalid: 'Không hợp lệ',
  indeterminate: 'Chưa xác định',
  unsigned: 'Không có chữ ký số',
  unreadable: 'Tệp không đọc được',
};
const STATUS_VI: Record<string, string> = {
  registered: 'Đã vào sổ',
  held: 'Chờ văn thư xem xét',
  assigned: 'Đã phân công',
  processing: 'Đang xử lý',
  done: 'Hoàn thành',
  cancelled: 'Đã thu hồi',
};

/** Columns of the incoming register, NĐ 30/2020 Appendix IV (the first ten), plus our checks. */
export const INCOMING_REGISTER_COLUMNS = [
  'Ngày đến',
  'Số đến',
  'Tác giả',
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Đơn vị hoặc người nhận',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
  'Độ khẩn',
  'Chữ ký số',
  'Giá trị pháp lý',
  'Trạng thái',
] as const;

/** One row of the printable incoming register (Vietnamese, for CSV and the printed book). */
export function entryRegisterRow(e: EntryRow): string[] {
  const notes = [
    ...(JSON.parse(e.missing ?? '[]') as string[]).map(f => `thiếu: ${f}`),
    ...(JSON.parse(e.warnings ?? '[]') as string[]),
  ];
  return [
    vnDateTimeDisplay(new Date(e.arrival_at)),
    String(e.arrival_number),
    e.issuer_name ?? e.issuer_code ?? '',
    e.number_notation ?? '',
    e.doc_date ? isoToDisplay(e.doc_date) : '',
    [e.doc_type, e.summary].filter(Boolean).join(' – '),
    e.recipients ?? '',
    '',
    '',
    notes.join('; '),
    URGENCY_VI[e.urgency] ?? e.urgency,
    VERDICT_VI[e.signature_verdict] ?? e.signature_verdict,
    e.legal_value === 'legal' ? 'Pháp lý' : 'Tham khảo',
    STATUS_VI[e.status] ?? e.status,
  ];
}

/** `dd/mm/yyyy` of the entry's arrival (for text listings). */
export function arrivalDay(e: EntryRow): string {
  return vnDateDisplay(new Date(e.arrival_at));
}
