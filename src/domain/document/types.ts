/**
 * Document types (tên loại văn bản) and their abbreviations: NĐ 30/2020/NĐ-CP Art. 7 and Appendix III §I
 * (29 administrative types; công văn and thư công have no abbreviation), the copy forms, the legal
 * normative types seen in incoming mail, and the old TT 01/2011/TT-BNV codes accepted as aliases.
 * Mixed-case codes (QyĐ, CTr, TTr, TrS) are canonical: never upper-case them blindly.
 */
import { nfc, toneFreeKey, upperVi } from './text.js';

export type DocumentType = {
  /** Name as written in the register, NFC, e.g. 'Quyết định'. */
  name: string;
  /** Canonical abbreviation (NĐ 30 App. III), or null (công văn, thư công). */
  abbreviation: string | null;
  /** Other accepted abbreviations (old TT 01/2011 codes). */
  aliases: string[];
  /** Other spellings of the name ('Giấy uỷ quyền'). */
  nameVariants?: string[];
  kind: 'administrative' | 'copy' | 'legal';
};

/** The table, in NĐ 30 Art. 7 order, then copies, then legal normative types. */
export const DOCUMENT_TYPES: readonly DocumentType[] = [
  { name: 'Nghị quyết', abbreviation: 'NQ', aliases: [], kind: 'administrative' },
  { name: 'Quyết định', abbreviation: 'QĐ', aliases: [], kind: 'administrative' },
  { name: 'Chỉ thị', abbreviation: 'CT', aliases: [], kind: 'administrative' },
  { name: 'Quy chế', abbreviation: 'QC', aliases: [], kind: 'administrative' },
  { name: 'Quy định', abbreviation: 'QyĐ', aliases: [], kind: 'administrative' },
  { name: 'Thông cáo', abbreviation: 'TC', aliases: [], kind: 'administrative' },
  { name: 'Thông báo', abbreviation: 'TB', aliases: [], kind: 'administrative' },
  { name: 'Hướng dẫn', abbreviation: 'HD', aliases: [], kind: 'administrative' },
  { name: 'Chương trình', abbreviation: 'CTr', aliases: [], kind: 'administrative' },
  { name: 'Kế hoạch', abbreviation: 'KH', aliases: [], kind: 'administrative' },
  { name: 'Phương án', abbreviation: 'PA', aliases: [], kind: 'administrative' },
  { name: 'Đề án', abbreviation: 'ĐA', aliases: [], kind: 'administrative' },
  { name: 'Dự án', abbreviation: 'DA', aliases: [], kind: 'administrative' },
  { name: 'Báo cáo', abbreviation: 'BC', aliases: [], kind: 'administrative' },
  { name: 'Biên bản', abbreviation: 'BB', aliases: [], kind: 'administrative' },
  { name: 'Tờ trình', abbreviation: 'TTr', aliases: [], kind: 'administrative' },
  { name: 'Hợp đồng', abbreviation: 'HĐ', aliases: [], kind: 'administrative' },
  { name: 'Công văn', abbreviation: null, aliases: [], kind: 'administrative' },
  { name: 'Công điện', abbreviation: 'CĐ', aliases: [], kind: 'administrative' },
  { name: 'Bản ghi nhớ', abbreviation: 'BGN', aliases: ['GN'], kind: 'administrative' },
  { name: 'Bản thỏa thuận', abbreviation: 'BTT', aliases: ['TTh'], nameVariants: ['Bản thoả thuận'], kind: 'administrative' },
  { name: 'Giấy ủy quyền', abbreviation: 'GUQ', aliases: ['UQ'], nameVariants: ['Giấy uỷ quyền'], kind: 'administrative' },
  { name: 'Giấy mời', abbreviation: 'GM', aliases: [], kind: 'administrative' },
  { name: 'Giấy giới thiệu', abbreviation: 'GGT', aliases: ['GT'], kind: 'administrative' },
  { name: 'Giấy nghỉ phép', abbreviation: 'GNP', aliases: ['NP'], kind: 'administrative' },
  { name: 'Phiếu gửi', abbreviation: 'PG', aliases: [], kind: 'administrative' },
  { name: 'Phiếu chuyển', abbreviation: 'PC', aliases: [], kind: 'administrative' },
  { name: 'Phiếu báo', abbreviation: 'PB', aliases: [], kind: 'administrative' },
  { name: 'Thư công', abbreviation: null, aliases: [], kind: 'administrative' },
  // Old TT 01/2011 type still met in incoming mail.
  { name: 'Giấy chứng nhận', abbreviation: 'GCN', aliases: ['CN'], kind: 'administrative' },
  // Copies (NĐ 30 App. III).
  { name: 'Bản sao y', abbreviation: 'SY', aliases: [], kind: 'copy' },
  { name: 'Bản trích sao', abbreviation: 'TrS', aliases: [], kind: 'copy' },
  { name: 'Bản sao lục', abbreviation: 'SL', aliases: [], kind: 'copy' },
  // Legal normative documents (Luật Ban hành VBQPPL): numbered `<số>/<năm>/<loại>-<cơ quan>`.
  { name: 'Nghị định', abbreviation: 'NĐ', aliases: [], kind: 'legal' },
  { name: 'Thông tư', abbreviation: 'TT', aliases: [], kind: 'legal' },
  { name: 'Thông tư liên tịch', abbreviation: 'TTLT', aliases: [], kind: 'legal' },
  { name: 'Pháp lệnh', abbreviation: 'PL', aliases: [], kind: 'legal' },
  { name: 'Luật', abbreviation: null, aliases: [], kind: 'legal' },
];

const BY_ABBREVIATION = new Map<string, DocumentType>();
const BY_ABBREVIATION_UPPER = new Map<string, DocumentType>();
const BY_NAME_KEY = new Map<string, DocumentType>();
for (const t of DOCUMENT_TYPES) {
  for (const a of [t.abbreviation, ...t.aliases]) {
    if (!a) continue;
    BY_ABBREVIATION.set(a, t);
    // Upper-cased lookup only as a fallback ('TTR' → TTr); the exact form wins.
    if (!BY_ABBREVIATION_UPPER.has(upperVi(a))) BY_ABBREVIATION_UPPER.set(upperVi(a), t);
  }
  for (const n of [t.name, ...(t.nameVariants ?? [])]) BY_NAME_KEY.set(toneFreeKey(n), t);
}

/** The type whose abbreviation (or old alias) is `abbr`; exact case first, then case-insensitive. */
export function typeFromAbbreviation(abbr: string): DocumentType | null {
  const a = nfc(abbr).trim();
  return BY_ABBREVIATION.get(a) ?? BY_ABBREVIATION_UPPER.get(upperVi(a)) ?? null;
}

/** The type named `name` ('Quyết định', 'QUYẾT ĐỊNH', 'Giấy uỷ quyền'), ignoring case and tone placement. */
export function typeFromName(name: string): DocumentType | null {
  return BY_NAME_KEY.get(toneFreeKey(name)) ?? null;
}

/** The canonical abbreviation for a type name, or null (công văn, thư công, unknown). */
export function abbreviationForType(name: string): string | null {
  return typeFromName(name)?.abbreviation ?? null;
}
