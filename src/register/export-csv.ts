/**
 * The printable registers as a table, shared by the CSV and the PDF (NĐ 30/2020 Art. 22.3.b and
 * 16.2.b: a register kept in the system is printed with all its fields, signed for and bound;
 * columns of Appendix IV). One register = one hosted agency, one kind, one calendar year.
 */
import { stringify } from 'csv-stringify/sync';
import type { EntryRow, RegisterKind } from '../db/register.js';
import type { OutgoingDocumentRow, RegisterRecipient } from '../db/outgoing.js';
import { isoToDisplay, vnDateDisplay } from '../domain/vn-time.js';
import { entryRegisterRow, INCOMING_REGISTER_COLUMNS } from './present.js';

/** A register ready to print: title facts, column headers, rows of text (Vietnamese, NFC). */
export type RegisterTable = {
  kind: RegisterKind;
  agency: { code: string; name: string; place?: string };
  year: number;
  columns: string[];
  rows: string[][];
  /** Number range and date range covered (the cover of a bound register states them). */
  numbers: { first: number; last: number } | null;
  dates: { first: string; last: string } | null;
};

/** Sổ đăng ký văn bản đi, NĐ 30/2020 Appendix IV: the ten columns. */
export const OUTGOING_REGISTER_COLUMNS = [
  'Số, ký hiệu văn bản',
  'Ngày tháng văn bản',
  'Tên loại và trích yếu nội dung văn bản',
  'Người ký',
  'Nơi nhận văn bản',
  'Đơn vị, người nhận bản lưu',
  'Số lượng bản',
  'Ngày chuyển',
  'Ký nhận',
  'Ghi chú',
] as const;

/** Title of each register as printed on its first page. */
export const REGISTER_TITLES: Record<RegisterKind, string> = {
  incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN',
  outgoing: 'SỔ ĐĂNG KÝ VĂN BẢN ĐI',
};

const URGENCY_VI: Record<string, string> = { khan: 'Khẩn', 'thuong-khan': 'Thượng khẩn', 'hoa-toc': 'Hỏa tốc' };


/** Recipient outcomes the Ghi chú column names (the rest is on the tracking page). */
const RECIPIENT_NOTES: Record<string, string> = {
  refused: 'từ chối',
  bounced: 'không gửi được',
  expired: 'không gửi được',
  'recall-requested': 'đang thu hồi',
  recalled: 'đã thu hồi',
  'recall-refused': 'từ chối thu hồi',
};

/**
 * One row of the outgoing register. Số lượng bản: one electronic copy per recipient. Ngày chuyển:
 * the first day a copy left (an SMTP 250). Đơn vị, người nhận bản lưu and Ký nhận are for the clerk's pen.
 */
export function outgoingRegisterRow(d: OutgoingDocumentRow, recipients: RegisterRecipient[]): string[] {
  const sentAt = recipients
    .filter(r => r.sent_at && !['bounced', 'expired', 'queued'].includes(r.status))
    .map(r => r.sent_at!)
    .sort()[0];
  const notes: string[] = [];
  if (URGENCY_VI[d.urgency]) notes.push(URGENCY_VI[d.urgency]!);
  if (d.state === 'queued' || d.state === 'sealing') notes.push('Chưa gửi');
  if (d.state === 'recalled') notes.push(`Đã thu hồi${d.recalled_at ? ' ngày ' + vnDateDisplay(new Date(d.recalled_at)) : ''}${d.recall_reason ? ': ' + d.recall_reason : ''}`);
  for (const r of recipients) {
    const note = RECIPIENT_NOTES[r.status];
    if (note && d.state !== 'recalled') notes.push(`${r.name ?? r.address}: ${note}`);
  }
  return [
    d.number_notation,
    isoToDisplay(d.doc_date),
    [d.doc_type, d.summary].filter(Boolean).join(' – '),
    [d.signer_position, d.signer_name].filter(Boolean).join(' '),
    recipients.map(r => r.name ?? r.address).join('; '),
    '',
    String(recipients.length),
    sentAt ? vnDateDisplay(new Date(sentAt)) : '',
    '',
    notes.join('; '),
  ];
}

type Agency = RegisterTable['agency'];

/** The incoming register of one agency and year; entries in any order, printed by arrival number. */
export function incomingRegisterTable(agency: Agency, year: number, entries: EntryRow[]): RegisterTable {
  const sorted = [...entries].sort((a, b) => a.arrival_number - b.arrival_number);
  return {
    kind: 'incoming',
    agency,
    year,
    columns: [...INCOMING_REGISTER_COLUMNS],
    rows: sorted.map(e => entryRegisterRow(e)),
    numbers: sorted.length ? { first: sorted[0]!.arrival_number, last: sorted.at(-1)!.arrival_number } : null,
    dates: sorted.length ? { first: vnDateDisplay(new Date(sorted[0]!.arrival_at)), last: vnDateDisplay(new Date(sorted.at(-1)!.arrival_at)) } : null,
  };
}

/** The outgoing register of one agency and year, by number. */
export function outgoingRegisterTable(agency: Agency, year: number, docs: OutgoingDocumentRow[], recipients: RegisterRecipient[]): RegisterTable {
  const sorted = [...docs].sort((a, b) => a.number - b.number);
  const byDoc = new Map<number, RegisterRecipient[]>();
  for (const r of recipients) byDoc.set(r.document_id, [...(byDoc.get(r.document_id) ?? []), r]);
  return {
    kind: 'outgoing',
    agency,
    year,
    columns: [...OUTGOING_REGISTER_COLUMNS],
    rows: sorted.map(d => outgoingRegisterRow(d, byDoc.get(d.id) ?? [])),
    numbers: sorted.length ? { first: sorted[0]!.number, last: sorted.at(-1)!.number } : null,
    dates: sorted.length ? { first: isoToDisplay(sorted[0]!.doc_date), last: isoToDisplay(sorted.at(-1)!.doc_date) } : null,
  };
}

/**
 * A cell a spreadsheet program would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe: summaries and names come from other agencies' mails, so they are not trusted
 * (OWASP "CSV Injection").
 */
export function csvSafeCell(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The register as CSV: a UTF-8 BOM (spreadsheet programs need it for Vietnamese), the headers, the rows. */
export function registerCsv(table: RegisterTable): string {
  return '\ufeff' + stringify([table.columns, ...table.rows.map(r => r.map(csvSafeCell))]);
}
