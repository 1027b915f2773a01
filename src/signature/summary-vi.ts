/** Vietnamese summary of a verification for clerks and refusal notices (NFC, with diacritics). */
import { REASONS, WARNINGS } from './reasons.js';
import type { DocumentVerification, ModLevel, SignatureReport, Verdict } from './types.js';

const VERDICT_VI: Record<Verdict, string> = {
  valid: 'Hợp lệ',
  invalid: 'Không hợp lệ',
  indeterminate: 'Chưa xác định được',
  unsigned: 'Không có chữ ký số',
};

const MOD_VI: Record<ModLevel, string> = {
  none: 'không có',
  ltv: 'bổ sung dữ liệu kiểm tra dài hạn (được phép)',
  'form-filling': 'điền biểu mẫu',
  annotations: 'thêm chú thích (ví dụ: số, ngày văn bản)',
  other: 'thay đổi nội dung',
};

const TIME_SOURCE_VI = { timestamp: 'theo dấu thời gian', 'signed-attribute': 'do người ký khai', 'pdf-dictionary': 'do phần mềm ký ghi' } as const;

/** dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export function formatViTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

function signatureLine(s: SignatureReport, i: number): string[] {
  const who = s.kind === 'document-timestamp' ? `Dấu thời gian của ${s.signer ?? 'không rõ'}` : `Chữ ký ${i + 1}: ${s.signer ?? 'không rõ người ký'}`;
  const org = s.organization ? ` (${s.organization})` : '';
  const lines = [`${who}${org}: ${VERDICT_VI[s.verdict]}.`];
  if (s.signingTime) lines.push(`  Thời điểm ký: ${formatViTime(s.signingTime)}${s.signingTimeSource ? ` (${TIME_SOURCE_VI[s.signingTimeSource]})` : ''}.`);
  lines.push(`  Phạm vi: ${s.coversWholeDocument ? 'toàn bộ tệp' : 'một phiên bản trước của tệp'}; chỉnh sửa sau khi ký: ${MOD_VI[s.modification]}.`);
  for (const r of s.reasons) {
    // A disallowed change after signing is a FORMAT_FAILURE in EN 319 102-1; clerks need the plain reason.
    const modified = r === 'FORMAT_FAILURE' && s.integrity === 'intact';
    lines.push(`  - ${modified ? `Tệp đã bị sửa đổi sau khi ký ngoài phạm vi cho phép (${MOD_VI[s.modification]})` : REASONS[r].vi}.`);
  }
  for (const w of s.warnings) if (w !== 'CLAIMED_TIME_ONLY') lines.push(`  (Lưu ý: ${WARNINGS[w]}.)`);
  return lines;
}

/** A short Vietnamese report: overall verdict, then one paragraph per signature. */
export function summarizeVi(v: DocumentVerification): string {
  const lines = [`Kết quả kiểm tra chữ ký số: ${VERDICT_VI[v.verdict]}.`];
  if (v.signatures.length === 0) {
    for (const r of v.reasons) lines.push(`- ${REASONS[r].vi}.`);
  }
  v.signatures.forEach((s, i) => lines.push(...signatureLine(s, i)));
  // Document-level warnings (a rebuilt xref, encryption) that no signature carries.
  for (const w of v.warnings) if (w !== 'CLAIMED_TIME_ONLY' && !v.signatures.some(s => s.warnings.includes(w))) lines.push(`(Lưu ý: ${WARNINGS[w]}.)`);
  return lines.join('\n').normalize('NFC');
}
