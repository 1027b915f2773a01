/**
 * Read the facts of an administrative document from its text (PDF text layer or a mail body), per
 * the layout of NĐ 30/2020 Appendix I: header (cơ quan chủ quản / cơ quan ban hành, national motto),
 * "Số: 12/QĐ-UBND", "Vĩnh Long, ngày 15 tháng 5 năm 2019", the type line ("QUYẾT ĐỊNH") and its
 * summary ("Về việc ..."), or "V/v ..." for a công văn, and the signer block
 * ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" / "Nguyễn Văn An"). Heuristics, so every field may be null.
 */
import { parseDateLine, parseVietnameseDate } from '../domain/document/dates.js';
import { parseNumberNotation } from '../domain/document/number-notation.js';
import { secrecyFromMark, secrecyFromText, type Secrecy } from '../domain/document/secrecy.js';
import { typeFromName } from '../domain/document/types.js';
import { urgencyFromMark, urgencyFromText, type Urgency } from '../domain/document/urgency.js';
import { lines as splitLines, nfc, squash, upperVi } from '../domain/document/text.js';

export type TextFacts = {
  issuerName: string | null;
  parentName: string | null;
  numberNotation: string | null;
  date: string | null;
  place: string | null;
  typeName: string | null;
  summary: string | null;
  signer: { competence: string | null; position: string | null; name: string | null };
  urgency: Urgency | null;
  secrecy: Secrecy | null;
  dueDate: string | null;
};

// National motto lines (quốc hiệu, tiêu ngữ) share baselines with the header; cut them out.
const MOTTO = [/CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM/giu, /Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc/giu, /^[-_–\s]{3,}$/u];
const NUMBER_LINE = /(?:^|\s)Số\s*[:.]?\s*(\d{1,6}\s*(?:\/\s*\d{4}\s*)?\/\s*[\p{L}\p{N}&.]+(?:\s*-\s*[\p{L}\p{N}&.]+)*)/u;
const VV_LINE = /^(?:V\/v|V\/V|v\/v|Về việc|VỀ VIỆC|Vv\.?)\s*[:.]?\s*(.*)$/u;
const COMPETENCE = /^(TM\.|KT\.|TL\.|TUQ\.|Q\.|TM|KT|TL|TUQ)\s+(.+)$/u;
const STOP_SUMMARY = /^(?:Căn cứ|Kính gửi|Thực hiện|Theo|Xét|CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|QUYẾT ĐỊNH\s*:|Điều\s+\d)/u;
const KNOWN_POSITIONS =
  /^(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỨ TRƯỞNG|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHÁNH VĂN PHÒNG|VIỆN TRƯỞNG|HIỆU TRƯỞNG|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VỤ TRƯỞNG|BÍ THƯ|TRƯỞNG ĐOÀN|TRƯỞNG|THỦ TRƯỞNG|CHÁNH THANH TRA|CHÁNH ÁN|VIỆN TRƯỞNG)(?:\s+.*)?$/u;
const PERSON_NAME = /^(?:\p{Lu}\p{Ll}*)(?:\s+\p{Lu}\p{Ll}*){1,5}$/u;
const DUE = /(?:hạn (?:xử lý|giải quyết|trả lời|báo cáo|gửi)|thời hạn|trước ngày)\D{0,20}?((?:ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4})|\d{1,2}\/\d{1,2}\/\d{4})/iu;

/** Read document facts from text (NFC). */
export function readDocumentText(text: string): TextFacts {
  const raw = nfc(text);
  let ls = splitLines(raw).map(l => squash(MOTTO.reduce((acc, re) => acc.replace(re, ' '), l))).filter(l => l.length > 0);
  const facts: TextFacts = {
    issuerName: null, parentName: null, numberNotation: null, date: null, place: null, typeName: null, summary: null,
    signer: { competence: null, position: null, name: null }, urgency: urgencyFromText(raw), secrecy: secrecyFromText(raw), dueDate: null,
  };

  // Number and notation: "Số: 12/QĐ-UBND" (spaces around separators tolerated; clerks type the number late).
  let numberIdx = -1;
  for (let i = 0; i < ls.length; i++) {
    const m = NUMBER_LINE.exec(ls[i]!);
    const nn = m ? parseNumberNotation(m[1]!.replace(/\s+/gu, '')) : null;
    if (nn) {
      facts.numberNotation = nn.numberNotation;
      numberIdx = i;
      // The type abbreviation names the type when no type line follows (checked below).
      facts.typeName = nn.type?.name ?? null;
      break;
    }
  }

  // Date line: the first "ngày .. tháng .. năm ...." in the first part of the document.
  // Only a real date line counts ("<Địa danh>, ngày ..." or "ngày ..." opening the line, possibly after
  // "Số: ..." on the same baseline), not a date quoted in a "Căn cứ ..." line.
  for (const l of ls.slice(0, Math.max(12, numberIdx + 6))) {
    const rest = l.replace(NUMBER_LINE, '').trim();
    if (!/^(?:[^,\d]{2,40},\s*)?ngày\s*\d/iu.test(rest)) continue;
    const dl = parseDateLine(rest);
    if (dl) {
      facts.date = dl.date;
      facts.place = dl.place?.replace(/^[,\s]+/u, '').trim() || null;
      break;
    }
  }

  // Header: upper-case lines before the number line (or the first lines), not marks.
  const headerEnd = numberIdx >= 0 ? numberIdx : Math.min(ls.length, 4);
  const header: string[] = [];
  for (const l of ls.slice(0, headerEnd)) {
    const cut = l.replace(/\s*Số\s*[:.].*$/u, '').trim();
    if (!cut || cut !== upperVi(cut) || !/\p{L}{2}/u.test(cut) || urgencyFromMark(cut) || secrecyFromMark(cut)) continue;
    header.push(cut);
  }
  const joined = joinHeader(header);
  facts.issuerName = joined.at(-1) ?? null;
  facts.parentName = joined.length > 1 ? joined[joined.length - 2]! : null;

  // Type line and summary.
  const start = Math.max(0, numberIdx);
  let typeIdx = -1;
  for (let i = start; i < Math.min(ls.length, start + 12); i++) {
    const l = ls[i]!;
    if (l === upperVi(l) && typeFromName(l)) {
      facts.typeName = typeFromName(l)!.name;
      typeIdx = i;
      break;
    }
  }
  for (let i = start; i < Math.min(ls.length, start + 12); i++) {
    const line = ls[i]!.replace(/^.*?(?=V\/v|V\/V)/u, '');
    const m = VV_LINE.exec(line);
    if (m && m[1]!.trim()) {
      // Kept as printed ("V/v ...", "Về việc ..."), as registers copy it.
      const parts = [line];
      for (let j = i + 1; j < Math.min(ls.length, i + 3) && !isSummaryStop(ls[j]!); j++) parts.push(ls[j]!);
      facts.summary = squash(parts.join(' ')).replace(/^[:\s]+/u, '') || null;
      if (!facts.typeName && typeIdx < 0) facts.typeName = 'Công văn';
      break;
    }
  }
  if (!facts.summary && typeIdx >= 0) {
    const parts: string[] = [];
    for (let j = typeIdx + 1; j < Math.min(ls.length, typeIdx + 4) && !isSummaryStop(ls[j]!); j++) parts.push(ls[j]!);
    facts.summary = squash(parts.join(' ')) || null;
  }
  if (!facts.typeName && facts.numberNotation) facts.typeName = 'Công văn';

  facts.signer = readSigner(ls);
  const due = DUE.exec(raw);
  if (due) facts.dueDate = parseVietnameseDate(due[1]!);
  ls = [];
  return facts;
}

function isSummaryStop(l: string): boolean {
  return STOP_SUMMARY.test(l) || parseDateLine(l) !== null || NUMBER_LINE.test(l) || /^[-_–]{3,}$/u.test(l) || (l === upperVi(l) && /\p{L}{3}/u.test(l) && !/^(?:VỀ VIỆC|V\/V)/u.test(l));
}

/** "ỦY BAN NHÂN DÂN" + "TỈNH VĨNH LONG" are one name; "UBND TỈNH VĨNH LONG" + "SỞ NỘI VỤ" are two. */
function joinHeader(header: string[]): string[] {
  const out: string[] = [];
  for (const l of header) {
    const prev = out.at(-1);
    if (prev && (/^(?:TỈNH|HUYỆN|XÃ|THÀNH PHỐ|THỊ XÃ|QUẬN|PHƯỜNG|THỊ TRẤN)\b/u.test(l) && /(?:NHÂN DÂN|ỦY BAN|UỶ BAN|HỘI ĐỒNG)$/u.test(prev))) {
      out[out.length - 1] = `${prev} ${l}`;
    } else out.push(l);
  }
  return out;
}

/** The signer block: competence line (KT./TM./TL./TUQ./Q.), position, then the person's name. */
function readSigner(ls: string[]): TextFacts['signer'] {
  const signer: TextFacts['signer'] = { competence: null, position: null, name: null };
  // Search from the end: the signer block is at the bottom, before "Nơi nhận" on the left.
  let idx = -1;
  for (let i = ls.length - 1; i >= 0; i--) {
    const l = ls[i]!.replace(/^Nơi nhận\s*:?\s*/u, '');
    if (COMPETENCE.test(l) && l === upperVi(l)) {
      signer.competence = normalizeCompetence(l);
      idx = i;
      break;
    }
  }
  let posIdx = -1;
  if (idx >= 0) {
    for (let i = idx + 1; i < Math.min(ls.length, idx + 4); i++) {
      const l = ls[i]!;
      if (l === upperVi(l) && /\p{L}{2}/u.test(l) && !/^[-–•+]/u.test(l)) {
        signer.position = l;
        posIdx = i;
        break;
      }
    }
  } else {
    // No competence line: the last known position line, if a name follows it.
    for (let i = ls.length - 1; i >= Math.max(0, ls.length - 20); i--) {
      const l = ls[i]!;
      if (l === upperVi(l) && KNOWN_POSITIONS.test(l) && ls.slice(i + 1, i + 6).some(n => PERSON_NAME.test(n) && n !== upperVi(n))) {
        signer.position = l;
        posIdx = i;
        break;
      }
    }
  }
  if (posIdx < 0 && idx >= 0) {
    // "TL. CHỦ TỊCH" alone, position on the same line: keep the competence's tail as the position.
    signer.position = signer.competence!.replace(COMPETENCE, '$2');
    posIdx = idx;
  }
  if (posIdx >= 0) {
    for (let i = posIdx + 1; i < Math.min(ls.length, posIdx + 6); i++) {
      const l = ls[i]!.replace(/\((?:đã ký|Đã ký|ký)\)/u, '').trim();
      if (PERSON_NAME.test(l) && l !== upperVi(l)) {
        signer.name = l;
        break;
      }
    }
  }
  return signer;
}

function normalizeCompetence(l: string): string {
  return l.replace(/^(TM|KT|TL|TUQ|Q)\.?\s+/u, '$1. ');
}
