/**
 * Text helpers for Vietnamese (TCVN 6909:2001 is Unicode; we compare in NFC).
 */

/** NFC-normalise a string (undefined/null become ''). */
export function nfc(s: string | null | undefined): string {
  return (s ?? '').normalize('NFC');
}

/** Collapse runs of whitespace to one space and trim. */
export function squash(s: string): string {
  return s.replace(/\s+/gu, ' ').trim();
}

// Tone marks (huyền, sắc, hỏi, ngã, nặng). Letter-forming marks (circumflex, breve, horn) stay.
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;

/**
 * A comparison key that ignores tone marks, tone placement ("Hoả" vs "Hỏa", "uỷ" vs "ủy") and case,
 * but keeps letters (â, ă, ơ, ư, đ) distinct so "Đề án" and "Dự án" never collide.
 */
export function toneFreeKey(s: string): string {
  return squash(nfc(s).normalize('NFD').replace(TONE_MARKS, '').normalize('NFC').toLocaleLowerCase('vi'));
}

/** Vietnamese upper case (locale-aware, NFC). */
export function upperVi(s: string): string {
  return nfc(s).toLocaleUpperCase('vi');
}

/** Split text into trimmed, non-empty NFC lines. */
export function lines(text: string): string[] {
  return nfc(text)
    .split(/\r\n|\r|\n/u)
    .map(l => squash(l))
    .filter(l => l.length > 0);
}
