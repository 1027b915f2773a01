/**
 * The one subject parser: our own formats (written by src/compose/subject.ts; docs/mail.md §Subjects) and
 * the free-form ones people write. Tolerant, because it is also reconciliation's last resort: reply
 * and forward prefixes in many languages (with counters: Re[2]:, Re(2):), tags in any case and with
 * lost diacritics ([vbdt]), NFC or NFD input, extra spaces.
 * - Document: `[HỎA TỐC] [VBĐT] 12/QĐ-UBND ngày 15/05/2019: Về việc ...`
 * - Status:   `[VBĐT-TT] 03 Đã tiếp nhận: 12/QĐ-UBND`
 * - Free:     `Công văn số 12/UBND-VP về việc ...`, `Fwd: QĐ 12/QĐ-UBND ngày 15/5/2019 V/v ...`
 */
import { NUMBER_NOTATION_IN_TEXT, parseNumberNotation } from '../domain/document/number-notation.js';
import { parseVietnameseDate, isoDate } from '../domain/document/dates.js';
import { moreSecret, secrecyFromMark, secrecyFromSubject, type Secrecy } from '../domain/document/secrecy.js';
import { rank, urgencyFromMark, type Urgency } from '../domain/document/urgency.js';
import { DOCUMENT_TYPES, typeFromName } from '../domain/document/types.js';
import { nfc, squash, toneFreeKey } from '../domain/document/text.js';

export type SubjectInfo = {
  /** Subject without reply/forward prefixes and urgency/secrecy tags. */
  cleaned: string;
  /** 'document' for `[VBĐT]`, 'status' for `[VBĐT-TT]`, null for free-form. */
  ours: 'document' | 'status' | null;
  isReply: boolean;
  isForward: boolean;
  statusCode: string | null;
  numberNotation: string | null;
  date: string | null;
  typeName: string | null;
  summary: string | null;
  urgency: Urgency | null;
  secrecy: Secrecy | null;
};

/** Reply and forward prefixes: English, German, Dutch, Nordic, French and Vietnamese clients ("TL:", "Trả lời:", "Chuyển tiếp:"), with a counter ("Re[2]:", "Re(2):"). */
const COUNTER = String.raw`\s*(?:\[\d+\]|\(\d+\))?\s*:\s*`;
const REPLY_PREFIX = new RegExp(String.raw`^(?:re|aw|sv|tl|antw|trả\s*lời|phản\s*hồi)` + COUNTER, 'iu');
const FORWARD_PREFIX = new RegExp(String.raw`^(?:fwd?|tr|wg|rv|chuyển\s*tiếp)` + COUNTER, 'iu');
const TAG = /^\[([^\]]{1,40})\]\s*/u;
const LEADING_MARK = /^(HỎA TỐC|HOẢ TỐC|THƯỢNG KHẨN|KHẨN|TUYỆT MẬT|TỐI MẬT|MẬT)\s*[-–:!]\s*/u;
// Our tags, in any case; some clients strip diacritics: accept [VBDT] too.
const OURS_TAG = /^VB[ĐD]T/iu;
const OURS_DOC = /^\[VB[ĐD]T\]\s*/iu;
const OURS_DOC_BODY = /^(?:số\s*:?\s*)?(\S+)\s+ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*(?:[:–—-]\s*(.*))?$/iu;
const OURS_STATUS = /^\[VB[ĐD]T-TT\]\s*(\d{1,2})\b\s*([^:]*):?\s*(.*)$/iu;
const SUMMARY_MARK = /(?:^|\s)(?:V\/v|v\/v|về việc|Về việc|VỀ VIỆC|trích yếu\s*:)\s*(.+)$/u;

/** Parse a subject into what our formats and free-form subjects say. */
export function parseSubject(subject: string): SubjectInfo {
  let s = squash(nfc(subject));
  const info: SubjectInfo = {
    cleaned: '', ours: null, isReply: false, isForward: false, statusCode: null, numberNotation: null, date: null,
    typeName: null, summary: null, urgency: null, secrecy: null,
  };
  // Peel prefixes and tags in any order: "Re: [KHẨN] Fwd: [VBĐT] ...".
  for (let guard = 0; guard < 20; guard++) {
    const before = s;
    const r = REPLY_PREFIX.exec(s);
    if (r) { info.isReply = true; s = s.slice(r[0].length); }
    const f = FORWARD_PREFIX.exec(s);
    if (f) { info.isForward = true; s = s.slice(f[0].length); }
    const t = TAG.exec(s);
    if (t && !OURS_TAG.test(t[1]!)) {
      const u = urgencyFromMark(t[1]!);
      const sec = secrecyFromMark(t[1]!);
      if (u) { if (rank(u) > rank(info.urgency)) info.urgency = u; s = s.slice(t[0].length); }
      else if (sec) { info.secrecy = info.secrecy ?? sec; s = s.slice(t[0].length); }
      else if (/^(?:external|bên ngoài|spam|ext)$/iu.test(t[1]!)) s = s.slice(t[0].length);
    }
    // Unbracketed upper-case marks: "HỎA TỐC - Công văn ...", "KHẨN: ...", "MẬT - ...".
    const w = LEADING_MARK.exec(s);
    if (w) {
      const u = urgencyFromMark(w[1]!);
      const sec = secrecyFromMark(w[1]!);
      if (u && rank(u) > rank(info.urgency)) info.urgency = u;
      if (sec) info.secrecy = info.secrecy ?? sec;
      if (u || sec) s = s.slice(w[0].length);
    }
    if (s === before) break;
  }
  // Marks anywhere in the subject, not only leading tags (docs/hostile-input.md §Secrecy).
  info.secrecy = moreSecret(info.secrecy, secrecyFromSubject(subject));

  const st = OURS_STATUS.exec(s);
  if (st) {
    info.ours = 'status';
    info.statusCode = st[1]!.padStart(2, '0');
    const nn = parseNumberNotation(st[3] ?? '');
    info.numberNotation = nn?.numberNotation ?? null;
    info.cleaned = s;
    return info;
  }
  if (OURS_DOC.test(s)) {
    info.ours = 'document';
    s = s.replace(OURS_DOC, '');
    const m = OURS_DOC_BODY.exec(s);
    if (m) {
      info.numberNotation = parseNumberNotation(m[1]!)?.numberNotation ?? null;
      info.date = isoDate(Number(m[4]), Number(m[3]), Number(m[2]));
      info.summary = (m[5] ?? '').trim() || null;
      info.typeName = parseNumberNotation(m[1]!)?.type?.name ?? null;
      info.cleaned = s;
      return info;
    }
  }
  info.cleaned = s;
  readFreeForm(s, info);
  return info;
}

/** Free-form: a leading type name, a number and notation anywhere, a date, a "về việc" summary. */
function readFreeForm(s: string, info: SubjectInfo): void {
  const nnMatch = NUMBER_NOTATION_IN_TEXT.exec(s);
  const nn = nnMatch ? parseNumberNotation(nnMatch[1]!) : null;
  if (nn) info.numberNotation = info.numberNotation ?? nn.numberNotation;
  info.date = info.date ?? dateIn(s, nnMatch?.[1]);
  const lead = leadingTypeName(s);
  info.typeName = info.typeName ?? lead ?? nn?.type?.name ?? null;
  const sm = SUMMARY_MARK.exec(s);
  if (sm) info.summary = info.summary ?? (squash(sm[1]!).replace(/^[:\-–\s]+/u, '') || null);
  else if (nn && nnMatch) {
    // "Quyết định 12/QĐ-UBND ngày 15/5/2019: Phê duyệt ..." → what follows the colon.
    const after = s.slice(nnMatch.index + nnMatch[0].length);
    const colon = /:\s*(.+)$/u.exec(after);
    if (colon) info.summary = info.summary ?? (squash(colon[1]!) || null);
  }
}

/** A date in the subject that is not part of the number and notation. */
function dateIn(s: string, nn: string | undefined): string | null {
  return parseVietnameseDate(nn ? s.replace(nn, ' ') : s);
}

/** A type name at the start of a subject ("Công văn số ...", "QUYẾT ĐỊNH ..."), longest first. */
function leadingTypeName(s: string): string | null {
  const key = toneFreeKey(s);
  let best: string | null = null;
  for (const t of DOCUMENT_TYPES) {
    for (const n of [t.name, ...(t.nameVariants ?? [])]) {
      const k = toneFreeKey(n);
      if ((key === k || key.startsWith(`${k} `)) && (!best || k.length > toneFreeKey(best).length)) best = t.name;
    }
  }
  return best ? typeFromName(best)?.name ?? best : null;
}
