/**
 * Secrecy marks (độ mật): MẬT, TỐI MẬT, TUYỆT MẬT (NĐ 30 Appendix I §III.2, law on state secrets).
 * Documents carrying one are out of scope for electronic exchange (QĐ 1123 Art. 1.2): we refuse them.
 *
 * A mark counts only as a stamp: a line that is only the mark, a "Độ mật: ..." line, or a bracketed
 * tag in a subject. "bí mật", "mật khẩu" or a title such as "LUẬT BẢO VỆ BÍ MẬT NHÀ NƯỚC" never count.
 * Compared exactly (letters and tones, any case, NFC/NFD): "mất" (lose) is not "mật".
 */
import { lines, nfc, upperVi } from './text.js';

export type Secrecy = 'mat' | 'toi-mat' | 'tuyet-mat';

/** Most secret first. */
export const SECRECY_MARKS: ReadonlyArray<{ secrecy: Secrecy; mark: string }> = [
  { secrecy: 'tuyet-mat', mark: 'TUYỆT MẬT' },
  { secrecy: 'toi-mat', mark: 'TỐI MẬT' },
  { secrecy: 'mat', mark: 'MẬT' },
];

const RANK: Record<Secrecy, number> = { mat: 1, 'toi-mat': 2, 'tuyet-mat': 3 };

/** Secrecy of one mark ('Mật', 'TỐI MẬT', '[MẬT]', 'Độ mật: Mật'), or null. */
export function secrecyFromMark(mark: string): Secrecy | null {
  const m = upperVi(nfc(mark))
    .replace(/\s+/gu, ' ')
    .replace(/^[\s[(*]+|[\s\])*:.!-]+$/gu, '')
    .replace(/^ĐỘ MẬT\s*:\s*/u, '');
  return SECRECY_MARKS.find(s => s.mark === m)?.secrecy ?? null;
}

/** The highest secrecy mark stamped in a text (one line = one mark), or null. */
export function secrecyFromText(text: string): Secrecy | null {
  let best: Secrecy | null = null;
  for (const line of lines(text)) {
    const s = secrecyFromMark(line);
    if (s && (best === null || RANK[s] > RANK[best])) best = s;
  }
  return best;
}
