/**
 * Số, ký hiệu (number and notation), NĐ 30/2020 Appendix I Part I §II.3: Arabic number, a leading 0
 * below 10, a slash, then hyphen-separated groups, no spaces: `12/QĐ-UBND`, công văn `05/BNV-VP`,
 * legal normative `07/2019/QĐ-UBND`.
 *
 * Convention: `notation` is everything after the first slash, so `${number}/${notation}` is always the
 * full number and notation (`07/2019/QĐ-UBND` → number '07', notation '2019/QĐ-UBND', year 2019).
 */
import { nfc } from './text.js';
import { typeFromAbbreviation, type DocumentType } from './types.js';

export type NumberNotation = {
  /** Canonical form, e.g. '12/QĐ-UBND' (type abbreviation in canonical case). */
  numberNotation: string;
  /** The number as printed with a leading zero below 10, e.g. '05'. */
  number: string;
  /** Everything after the first slash, e.g. 'QĐ-UBND' or '2019/QĐ-UBND'. */
  notation: string;
  /** Year of a legal normative document's number, else null. */
  year: number | null;
  /** The type read from the first notation group, or null (công văn: the first group is the agency). */
  type: DocumentType | null;
  /** The notation groups after the type abbreviation (or all of them for a công văn). */
  issuerGroups: string[];
};

// A notation group: letters (any case, with Vietnamese letters), digits, & and dots.
const GROUP = String.raw`[\p{L}\p{N}&.]+`;
const NUMBER_NOTATION = new RegExp(String.raw`^(\d{1,6})(?:\/(\d{4}))?\/(${GROUP}(?:-${GROUP})*)$`, 'u');
/** A number and notation somewhere in free text (used by the metadata extractor). */
export const NUMBER_NOTATION_IN_TEXT = new RegExp(
  String.raw`(?<![\p{L}\p{N}/])(\d{1,6}(?:\/\d{4})?\/${GROUP}(?:-${GROUP})*)(?![\p{L}\p{N}])`,
  'u',
);

/** Pad a number below 10 with a leading zero ('5' → '05'); other numbers unchanged, leading zeros kept. */
export function padNumber(n: string | number): string {
  const s = String(n).trim();
  return /^\d$/u.test(s) ? `0${s}` : s;
}

/**
 * Parse a number and notation. Lenient on spaces around the separators and on trailing punctuation;
 * returns null when it is not one. Canonicalises the type abbreviation's case (`TTR` → `TTr`).
 */
export function parseNumberNotation(input: string): NumberNotation | null {
  const s = nfc(input)
    .trim()
    .replace(/[\s.,;:]+$/u, '')
    .replace(/\s*([/-])\s*/gu, '$1')
    .replace(/[\u2010-\u2015]/gu, '-');
  const m = NUMBER_NOTATION.exec(s);
  if (!m) return null;
  const [, rawNumber, rawYear, rawNotation] = m as unknown as [string, string, string | undefined, string];
  const groups = rawNotation.split('-');
  const type = typeFromAbbreviation(groups[0]!);
  if (type) groups[0] = canonicalAbbreviation(groups[0]!, type);
  const tail = groups.join('-');
  const number = padNumber(rawNumber);
  const notation = rawYear ? `${rawYear}/${tail}` : tail;
  return {
    numberNotation: `${number}/${notation}`,
    number,
    notation,
    year: rawYear ? Number(rawYear) : null,
    type,
    issuerGroups: type ? groups.slice(1) : groups,
  };
}

/** Format a number and notation: `formatNumberNotation(5, 'BNV-VP')` → '05/BNV-VP'; with a year, '07/2019/QĐ-UBND'. */
export function formatNumberNotation(number: string | number, notation: string, year?: number | null): string {
  const n = nfc(notation).trim();
  return year ? `${padNumber(number)}/${year}/${n}` : `${padNumber(number)}/${n}`;
}

/** The abbreviation as written if it is the canonical form or an alias, else the canonical form. */
function canonicalAbbreviation(written: string, type: DocumentType): string {
  if (written === type.abbreviation || type.aliases.includes(written)) return written;
  const alias = type.aliases.find(a => a.toLocaleUpperCase('vi') === written.toLocaleUpperCase('vi'));
  return alias ?? type.abbreviation ?? written;
}
