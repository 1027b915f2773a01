/**
 * Secrecy marks (độ mật): MẬT, TỐI MẬT, TUYỆT MẬT (NĐ 30 Appendix I §III.2, law on state secrets).
 * Documents carrying one are out of scope for electronic exchange (QĐ 1123 Art. 1.2): we refuse them,
 * whether the mark is on the PDF, in the mail's subject or in its body (docs/hostile-input.md §Secrecy).
 *
 * The rule: a mark counts only as a stamp, never as a word of a sentence.
 * - Stamp: after brackets ([ ] ( ) { } « » * " ') and edge punctuation (: . - ! |) are trimmed, the
 *   text is exactly one spelling of SECRECY_SPELLINGS, or "Độ mật: <spelling>". Any case, NFC or NFD.
 * - In a document's text (PDF, mail body): a line that is a stamp.
 * - In a subject: a bracketed (or *starred*) part that is a stamp, anywhere ("[MẬT] Công văn…", "Công văn… (Tối mật)"),
 *   a part between separators (" - ", " – ", ": ", " | ") that is a stamp ("MẬT - Công văn…",
 *   "Công văn… - TUYỆT MẬT"), or "Độ mật: <spelling>" anywhere.
 * - Spellings without diacritics (MAT, TOI MAT, TUYET MAT: clients that strip them) count only when the
 *   text has no diacritics at all and is upper case, so "MẤT" (lose) or an English "Mat" never count.
 * Never: "bí mật", "mật khẩu", "mật độ", "Luật Bảo vệ bí mật nhà nước", "tài liệu mật" in a sentence.
 */
import { lines, nfc, upperVi } from './text.js';

export type Secrecy = 'mat' | 'toi-mat' | 'tuyet-mat';

/** Each level with its spellings (upper case, NFC); most secret first. */
export const SECRECY_SPELLINGS: ReadonlyArray<{ secrecy: Secrecy; mark: string; spellings: readonly string[] }> = [
  { secrecy: 'tuyet-mat', mark: 'TUYỆT MẬT', spellings: ['TUYỆT MẬT', 'TUYET MAT'] },
  { secrecy: 'toi-mat', mark: 'TỐI MẬT', spellings: ['TỐI MẬT', 'TOI MAT'] },
  { secrecy: 'mat', mark: 'MẬT', spellings: ['MẬT', 'MAT'] },
];

const RANK: Record<Secrecy, number> = { mat: 1, 'toi-mat': 2, 'tuyet-mat': 3 };
const EDGES = /^[\s[({«*"'“”:.!|–-]+|[\s\])}»*"'“”:.!|–-]+$/gu;
const LABEL = /^(?:ĐỘ MẬT|DO MAT)\s*[:.-]?\s*/u;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/u;

/** The more secret of two levels (null counts as none). */
export function moreSecret(a: Secrecy | null, b: Secrecy | null): Secrecy | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[b] > RANK[a] ? b : a;
}

/** Secrecy of one stamp ('Mật', 'TỐI MẬT', '[MẬT]', 'Độ mật: Mật', '(TOI MAT)'), or null. */
export function secrecyFromMark(mark: string): Secrecy | null {
  const text = nfc(mark).replace(/\s+/gu, ' ').replace(EDGES, '');
  const m = upperVi(text).replace(LABEL, '').replace(EDGES, '');
  // Diacritic-free spellings: only from an all-ASCII, upper-case text ("[TOI MAT]"), never from "mất" or "Mat".
  const asciiOk = ASCII.test(text) && text === text.toUpperCase();
  for (const s of SECRECY_SPELLINGS) if (s.spellings.some(sp => sp === m && (ASCII.test(sp) ? asciiOk : true))) return s.secrecy;
  return null;
}

/** The highest secrecy stamped in a text (one line = one stamp), or null. */
export function secrecyFromText(text: string): Secrecy | null {
  let best: Secrecy | null = null;
  for (const line of lines(text)) best = moreSecret(best, secrecyFromMark(line));
  return best;
}

/** The highest secrecy mark a subject carries (see the module comment for where), or null. */
export function secrecyFromSubject(subject: string): Secrecy | null {
  const s = nfc(subject).replace(/\s+/gu, ' ').trim();
  let best: Secrecy | null = null;
  for (const m of s.matchAll(/[[({«]([^\])}»]{1,40})[\])}»]|\*([^*]{1,40})\*/gu)) best = moreSecret(best, secrecyFromMark(m[1] ?? m[2]!));
  for (const part of s.split(/\s+[-–|]\s+|:\s+|\s*\|\s*/u)) best = moreSecret(best, secrecyFromMark(part));
  for (const m of s.matchAll(/(?:Độ mật|Do mat)\s*[:.-]?\s*((?:tuyệt|tối|tuyet|toi)?\s*(?:mật|mat))(?![\p{L}])/giu)) best = moreSecret(best, secrecyFromMark(m[1]!));
  return best;
}
