import { isLocalDate, type LocalDate } from '../calendar/local-date.js';

/**
 * Subjects of our mails (docs/mail.md §Subjects) and their parsers. The parsers are the LAST reconciliation resort
 * (docs/status-codes.md §Matching reports: flagged as a guess), so they are tolerant: reply/forward prefixes in English and
 * Vietnamese, NFC or NFD input, extra spaces, old-style tone marks ("HOẢ TỐC"). Output is NFC
 * (TCVN 6909:2001 is Unicode; one normal form keeps comparisons exact).
 */

/** Urgency levels of NĐ 30/2020 Appendix I §III.2 (same values as docs/mail.md §The inspect JSON). */
export type Urgency = 'normal' | 'khan' | 'thuong-khan' | 'hoa-toc';

/** Subject prefix per urgency (docs/mail.md §Subjects); normal documents have none. */
export const URGENCY_PREFIX: Readonly<Record<Urgency, string | null>> = {
  'hoa-toc': '[HỎA TỐC]',
  'thuong-khan': '[THƯỢNG KHẨN]',
  khan: '[KHẨN]',
  normal: null,
};

// Tone-free upper-case keys of the bracketed tags we recognise when parsing.
const URGENCY_BY_KEY: Readonly<Record<string, Urgency>> = { 'HOA TOC': 'hoa-toc', 'THUONG KHAN': 'thuong-khan', KHAN: 'khan' };
const DOCUMENT_TAG = 'VBDT';
const STATUS_TAG = 'VBDT-TT';

// Re:, Fwd:, FW:, TL: (trả lời), Trả lời:, Chuyển tiếp:, TR:, AW:, SV:, WG:, RV:, Re[2]:, Re(2):
const REPLY_PREFIX_RE = /^(?:re|fwd?|tl|tr|aw|sv|wg|rv|antw|trả\s*lời|chuyển\s*tiếp)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/iu;

/** Parts of a document subject. */
export type DocumentSubject = { urgency: Urgency; numberNotation: string; date: LocalDate; summary: string };
/** Parts of a status subject. */
export type StatusSubject = { code: string; label: string; numberNotation: string };

/** `[HỎA TỐC] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc …` (docs/mail.md §Document mail). date is `YYYY-MM-DD`. */
export function documentSubject(d: { numberNotation: string; date: LocalDate; summary: string; urgency?: Urgency }): string {
  const [y, m, dd] = d.date.split('-');
  const prefix = URGENCY_PREFIX[d.urgency ?? 'normal'];
  const body = `[VBĐT] ${oneLine(d.numberNotation)} ngày ${dd}/${m}/${y}: ${oneLine(d.summary)}`;
  return prefix === null ? body : `${prefix} ${body}`;
}

/** `[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND` (docs/mail.md §Status mail). */
export function statusSubject(s: { code: string; label: string; numberNotation: string }): string {
  return `[VBĐT-TT] ${oneLine(s.code)} ${oneLine(s.label)}: ${oneLine(s.numberNotation)}`;
}

/** The subject without reply/forward prefixes, NFC, spaces collapsed. */
export function stripReplyPrefixes(subject: string): string {
  let s = oneLine(subject);
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(REPLY_PREFIX_RE, '');
  }
  return s;
}

/** Parse a document subject; null when it is not one of ours. */
export function parseDocumentSubject(subject: string): DocumentSubject | null {
  const tagged = leadingTags(stripReplyPrefixes(subject));
  if (tagged.tag !== DOCUMENT_TAG || tagged.unknown) return null;
  const m = /^(?:số\s*:?\s*)?(\S+)\s+ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*(?:[:–—-]\s*(.*))?$/iu.exec(tagged.rest);
  if (!m) return null;
  const date = `${m[4]}-${m[3]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}`;
  if (!isLocalDate(date)) return null;
  return { urgency: tagged.urgency, numberNotation: m[1]!, date, summary: (m[5] ?? '').trim() };
}

/** Parse a status subject; null when it is not one of ours. */
export function parseStatusSubject(subject: string): StatusSubject | null {
  const tagged = leadingTags(stripReplyPrefixes(subject));
  if (tagged.tag !== STATUS_TAG || tagged.unknown || tagged.urgency !== 'normal') return null;
  const m = /^(\d{1,2})\s+([^:]*?)\s*:\s*(\S.*)$/u.exec(tagged.rest);
  if (!m) return null;
  return { code: m[1]!.padStart(2, '0'), label: m[2]!, numberNotation: m[3]!.trim() };
}

/** Upper-case, tone-free, đ → D: "Hoả tốc" and "HỎA TỐC" both give "HOA TOC". */
function toneFreeKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Bracketed tags before the text: urgency tags, then our [VBĐT] / [VBĐT-TT] tag. */
function leadingTags(s: string): { urgency: Urgency; tag: string | null; rest: string; unknown: boolean } {
  let urgency: Urgency = 'normal';
  let rest = s;
  for (;;) {
    const m = /^\[([^\]]*)\]\s*/u.exec(rest);
    if (!m) return { urgency, tag: null, rest, unknown: false };
    rest = rest.slice(m[0].length);
    const key = toneFreeKey(m[1]!);
    if (key === DOCUMENT_TAG || key === STATUS_TAG) return { urgency, tag: key, rest, unknown: false };
    const u = URGENCY_BY_KEY[key];
    if (u === undefined) return { urgency, tag: null, rest, unknown: true };
    if (urgency === 'normal') urgency = u;
  }
}

/** NFC, no CR/LF (header injection), whitespace collapsed. */
function oneLine(s: string): string {
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

// Message-IDs live in message-id.ts; re-exported here because callers build subject and id together.
export { messageIdFor, parseOurMessageId, type MessageIdKind, type MessageIdParts } from './message-id.js';
