/**
 * Urgency (mức độ khẩn), NĐ 30/2020 Appendix I Part I §III.2: HỎA TỐC, THƯỢNG KHẨN, KHẨN; edXML
 * OtherInfo/Priority 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ (no "hẹn giờ" level
 * exists in NĐ 30, so 4 maps to hoa-toc).
 */
import { lines, toneFreeKey } from './text.js';

export type Urgency = 'normal' | 'khan' | 'thuong-khan' | 'hoa-toc';

/** Most urgent first: when a text carries several marks, the first match in this order wins. */
export const URGENCY_WORDS: ReadonlyArray<{ urgency: Urgency; key: string; label: string }> = [
  { urgency: 'hoa-toc', key: toneFreeKey('HỎA TỐC HẸN GIỜ'), label: 'HỎA TỐC' },
  { urgency: 'hoa-toc', key: toneFreeKey('HỎA TỐC'), label: 'HỎA TỐC' },
  { urgency: 'thuong-khan', key: toneFreeKey('THƯỢNG KHẨN'), label: 'THƯỢNG KHẨN' },
  { urgency: 'khan', key: toneFreeKey('KHẨN'), label: 'KHẨN' },
];

/** edXML Priority value → urgency. */
export const PRIORITY_URGENCY: Readonly<Record<number, Urgency>> = { 0: 'normal', 1: 'khan', 2: 'thuong-khan', 3: 'hoa-toc', 4: 'hoa-toc' };

/** Urgency → edXML Priority value. */
export const URGENCY_PRIORITY: Readonly<Record<Urgency, number>> = { normal: 0, khan: 1, 'thuong-khan': 2, 'hoa-toc': 3 };

/** Vietnamese label (register, subjects). */
export const URGENCY_LABEL: Readonly<Record<Urgency, string>> = {
  normal: 'Thường',
  khan: 'Khẩn',
  'thuong-khan': 'Thượng khẩn',
  'hoa-toc': 'Hỏa tốc',
};

/** Urgency from an edXML Priority (number or numeric string); unknown values → null. */
export function urgencyFromPriority(p: number | string | null | undefined): Urgency | null {
  if (p === null || p === undefined || String(p).trim() === '') return null;
  const n = Number(String(p).trim());
  return Number.isInteger(n) ? (PRIORITY_URGENCY[n] ?? null) : null;
}

/** Urgency of one mark ('Hoả tốc', 'THƯỢNG KHẨN', '[KHẨN]', 'Độ khẩn: Khẩn'), or null. */
export function urgencyFromMark(mark: string): Urgency | null {
  const key = toneFreeKey(mark.replace(/^[\s[(*]+|[\s\])*:.!-]+$/gu, '').replace(/^đ[ộo] khẩn\s*:\s*/iu, ''));
  return URGENCY_WORDS.find(w => w.key === key)?.urgency ?? null;
}

/**
 * Urgency stamped in a document's text: a line that is only an urgency mark (the red stamp of NĐ 30),
 * or an "Độ khẩn: ..." line. Words inside sentences ("khẩn trương") never count. Null when none.
 */
export function urgencyFromText(text: string): Urgency | null {
  let best: Urgency | null = null;
  for (const line of lines(text)) {
    const u = urgencyFromMark(line);
    if (u && rank(u) > rank(best)) best = u;
  }
  return best;
}

/** Order for comparing urgencies (normal < khan < thuong-khan < hoa-toc). */
export function rank(u: Urgency | null): number {
  return u === null ? -1 : URGENCY_PRIORITY[u];
}
