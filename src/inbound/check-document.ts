import type { HostedAgency } from '../config/schema.js';
import type { PdfCheck } from './pdf-check.js';

/** The facts intake has gathered about a document mail (all pure data). */
export type DocumentFacts = {
  secrecy: string | null;
  /** Where the mark was found: 'pdf', 'subject' or 'body' (docs/hostile-input.md §Secrecy). */
  secrecyFrom?: string;
  pdfs: Array<{ name: string; check: PdfCheck }>;
  otherAttachments: string[];
  /** Files the edXML manifest lists that are missing or whose SHA-256 differs. */
  manifestProblems: string[];
  /** The edXML `To` list names agencies, none of them us. */
  wrongRecipient: boolean;
};

export type DocumentDecision =
  | { action: 'register'; legalValue: 'legal' | 'reference'; status: 'registered' | 'held'; warnings: string[] }
  | { action: 'refuse'; reasonCode: string; reasonVi: string };

type Rule = (f: DocumentFacts, policy: HostedAgency['policy']) => DocumentDecision | null;

const SECRECY_VI: Record<string, string> = { mat: 'MẬT', 'toi-mat': 'TỐI MẬT', 'tuyet-mat': 'TUYỆT MẬT' };
const SECRECY_WHERE_VI: Record<string, string> = { edxml: ' (trong gói tin edXML)', pdf: ' (trên tệp văn bản)', subject: ' (ở tiêu đề thư)', body: ' (trong nội dung thư)' };

/**
 * The checks of QĐ 1123 Art. 12 and NĐ 30 Art. 21.2 as an ordered table: the first rule that
 * decides wins. Reasons are Vietnamese: they go into the 02 refusal sent back to the issuer.
 */
const RULES: Rule[] = [
  f =>
    f.secrecy
      ? {
          action: 'refuse',
          reasonCode: 'SECRET_DOCUMENT',
          reasonVi: `Văn bản có dấu chỉ mức độ mật "${SECRECY_VI[f.secrecy] ?? f.secrecy}"${SECRECY_WHERE_VI[f.secrecyFrom ?? ''] ?? ''} không thuộc phạm vi gửi, nhận qua hệ thống thư điện tử (QĐ 1123/QĐ-UBND, Điều 1 khoản 2).`,
        }
      : null,
  f =>
    f.pdfs.length === 0
      ? {
          action: 'refuse',
          reasonCode: 'NOT_PDF',
          reasonVi:
            f.otherAttachments.length > 0
              ? `Văn bản điện tử phải ở định dạng PDF (QĐ 1123/QĐ-UBND, Điều 7); thư chỉ có tệp: ${f.otherAttachments.join(', ')}.`
              : 'Thư không kèm tệp văn bản PDF (QĐ 1123/QĐ-UBND, Điều 7).',
        }
      : null,
  f =>
    f.manifestProblems.length > 0
      ? { action: 'refuse', reasonCode: 'INTEGRITY', reasonVi: `Văn bản không toàn vẹn hoặc thiếu tệp so với gói tin edXML: ${f.manifestProblems.join('; ')}.` }
      : null,
  f => {
    const bad = f.pdfs.find(p => p.check.verdict === 'unreadable');
    return bad ? { action: 'refuse', reasonCode: 'PDF_UNREADABLE', reasonVi: `Tệp "${bad.name}" không đọc được như một tệp PDF.` } : null;
  },
  f => {
    const bad = f.pdfs.find(p => p.check.verdict === 'invalid');
    return bad
      ? { action: 'refuse', reasonCode: 'SIGNATURE_INVALID', reasonVi: `Chữ ký số trên tệp "${bad.name}" không hợp lệ: ${bad.check.summaryVi}` }
      : null;
  },
  (f, policy) =>
    f.wrongRecipient && policy.wrongRecipient === 'refuse'
      ? { action: 'refuse', reasonCode: 'WRONG_RECIPIENT', reasonVi: 'Văn bản gửi không đúng cơ quan nhận (NĐ 30/2020/NĐ-CP, Điều 21 khoản 2 điểm b).' }
      : null,
  (f, policy) => {
    const allUnsigned = f.pdfs.every(p => p.check.verdict === 'unsigned');
    if (!allUnsigned) return null;
    return policy.unsigned === 'refuse'
      ? { action: 'refuse', reasonCode: 'UNSIGNED', reasonVi: 'Văn bản điện tử không có chữ ký số của cơ quan, tổ chức ban hành (QĐ 1123/QĐ-UBND, Điều 8).' }
      : { action: 'register', legalValue: 'reference', status: 'registered', warnings: ['UNSIGNED'] };
  },
  (f, policy) => {
    const undetermined = f.pdfs.filter(p => p.check.verdict === 'indeterminate');
    if (undetermined.length === 0) return null;
    return { action: 'register', legalValue: 'legal', status: policy.indeterminate === 'hold' ? 'held' : 'registered', warnings: ['SIGNATURE_INDETERMINATE'] };
  },
];

/** Decide what happens to a document: register (as legal or reference value, maybe held) or refuse. */
export function decideDocument(facts: DocumentFacts, policy: HostedAgency['policy']): DocumentDecision {
  for (const rule of RULES) {
    const decision = rule(facts, policy);
    if (decision) return withSoftWarnings(decision, facts);
  }
  const allVerified = facts.pdfs.every(p => p.check.verdict === 'valid');
  return withSoftWarnings({ action: 'register', legalValue: 'legal', status: 'registered', warnings: allVerified ? [] : ['SIGNATURE_NOT_VERIFIED'] }, facts);
}

/** Warnings that never block: some PDFs unsigned among signed ones, wrong recipient (warn policy). */
function withSoftWarnings(d: DocumentDecision, f: DocumentFacts): DocumentDecision {
  if (d.action !== 'register') return d;
  const w = new Set(d.warnings);
  if (f.pdfs.some(p => p.check.verdict === 'unsigned') && f.pdfs.some(p => p.check.verdict !== 'unsigned')) w.add('ANNEX_UNSIGNED');
  if (f.wrongRecipient) w.add('WRONG_RECIPIENT');
  if (f.otherAttachments.length > 0) w.add('NON_PDF_ATTACHMENTS');
  return { ...d, warnings: [...w] };
}
