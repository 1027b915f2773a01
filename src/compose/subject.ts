import type { LocalDate } from '../domain/calendar/local-date.js';
import type { Urgency } from '../domain/document/urgency.js';

/**
 * Subjects of our mails (docs/mail.md): the document mail and the status mail. Reading them back
 * (ours or anyone's, with reply prefixes, tags, lost diacritics) is src/mail/subject.ts parseSubject,
 * the one subject parser. Output is NFC (TCVN 6909:2001 is Unicode; one normal form keeps
 * comparisons exact), on one line.
 */

/** Subject prefix per urgency; normal documents have none. */
export const URGENCY_PREFIX: Readonly<Record<Urgency, string | null>> = {
  'hoa-toc': '[HỎA TỐC]',
  'thuong-khan': '[THƯỢNG KHẨN]',
  khan: '[KHẨN]',
  normal: null,
};

/** `[HỎA TỐC] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc …`. date is `YYYY-MM-DD`. */
export function documentSubject(d: { numberNotation: string; date: LocalDate; summary: string; urgency?: Urgency }): string {
  const [y, m, dd] = d.date.split('-');
  const prefix = URGENCY_PREFIX[d.urgency ?? 'normal'];
  const body = `[VBĐT] ${oneLine(d.numberNotation)} ngày ${dd}/${m}/${y}: ${oneLine(d.summary)}`;
  return prefix === null ? body : `${prefix} ${body}`;
}

/** `[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND`. */
export function statusSubject(s: { code: string; label: string; numberNotation: string }): string {
  return `[VBĐT-TT] ${oneLine(s.code)} ${oneLine(s.label)}: ${oneLine(s.numberNotation)}`;
}

/** NFC, no CR/LF (header injection), whitespace collapsed. */
function oneLine(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}
