/**
 * Dates as written on Vietnamese documents and in edXML. All results are calendar dates 'YYYY-MM-DD'
 * (no clock, no time zone: a document date is a civil date in Asia/Ho_Chi_Minh).
 * - Date line (NĐ 30 App. I §II.4): "Vĩnh Long, ngày 15 tháng 5 năm 2019".
 * - Numeric: dd/mm/yyyy (also with '-' or '.').
 * - edXML: builders emit yyyy/MM/dd, some peers send dd/MM/yyyy (docs/edxml.md §Dates and times): accept both.
 */
import { nfc } from './text.js';

/** 'YYYY-MM-DD' when (y, m, d) is a real calendar date, else null. */
export function isoDate(y: number, m: number, d: number): string | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > dim) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const WORDY = /ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})/iu;
const NUMERIC_DMY = /(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)/u;
const NUMERIC_YMD = /(?<!\d)(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\d)/u;

/** The place and date of a date line ("Vĩnh Long, ngày 15 tháng 5 năm 2019"), or null. */
export function parseDateLine(text: string): { place: string | null; date: string } | null {
  const t = nfc(text);
  const m = WORDY.exec(t);
  if (!m) return null;
  const date = isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  if (!date) return null;
  const before = t.slice(0, m.index).split(/\r?\n/u).pop() ?? '';
  const place = before.replace(/[,\s]+$/u, '').trim();
  return { place: place.length > 0 && place.length <= 60 ? place : null, date };
}

/** First Vietnamese date in a text: the wordy form first, then dd/mm/yyyy. 'YYYY-MM-DD' or null. */
export function parseVietnameseDate(text: string): string | null {
  const t = nfc(text);
  const w = parseDateLine(t);
  if (w) return w.date;
  const m = NUMERIC_DMY.exec(t);
  return m ? isoDate(Number(m[3]), Number(m[2]), Number(m[1])) : null;
}

/** An edXML date: yyyy/MM/dd, dd/MM/yyyy or yyyy-MM-dd, optionally followed by a time. 'YYYY-MM-DD' or null. */
export function parseEdxmlDate(value: string | null | undefined): string | null {
  const t = nfc(value).trim();
  if (!t) return null;
  let m = NUMERIC_YMD.exec(t);
  if (m && m.index === 0) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NUMERIC_DMY.exec(t);
  if (m && m.index === 0) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/**
 * An edXML timestamp ('yyyy/MM/dd HH:mm:ss' or 'dd/MM/yyyy HH:mm:ss', Vietnam time, or ISO 8601 with
 * an offset) → ISO 8601 with offset, e.g. '2019-05-15T09:30:00+07:00'; null when unreadable.
 */
export function parseEdxmlTimestamp(value: string | null | undefined): string | null {
  const t = nfc(value).trim();
  if (!t) return null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/u.exec(t);
  if (iso) {
    const date = isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    if (!date) return null;
    const off = iso[7] ? (iso[7] === 'Z' ? '+00:00' : iso[7].replace(/^([+-]\d{2})(\d{2})$/u, '$1:$2')) : '+07:00';
    return `${date}T${iso[4]}:${iso[5]}:${iso[6] ?? '00'}${off}`;
  }
  const date = parseEdxmlDate(t);
  if (!date) return null;
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/u.exec(t);
  const hh = time ? time[1]!.padStart(2, '0') : '00';
  const mm = time ? time[2]! : '00';
  const ss = time ? (time[3] ?? '00') : '00';
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) return null;
  return `${date}T${hh}:${mm}:${ss}+07:00`;
}

/** 'YYYY-MM-DD' → 'dd/mm/yyyy' (subjects, Vietnamese text). */
export function formatDmy(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** 'YYYY-MM-DD' → 'yyyy/MM/dd' (edXML). */
export function formatEdxmlDate(iso: string): string {
  return iso.slice(0, 10).replace(/-/gu, '/');
}

/** An instant → 'yyyy/MM/dd HH:mm:ss' in Vietnam time (UTC+7, no daylight saving), for edXML timestamps. */
export function formatEdxmlTimestamp(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const v = new Date(d.getTime() + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${v.getUTCFullYear()}/${p(v.getUTCMonth() + 1)}/${p(v.getUTCDate())} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}:${p(v.getUTCSeconds())}`;
}

/** "ngày 15 tháng 5 năm 2019" wording is written with leading zeros: 'YYYY-MM-DD' → 'ngày 15 tháng 05 năm 2019'. */
export function formatDateWords(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  // NĐ 30 App. I §II.4: day < 10 and months 1 and 2 take a leading zero; other months do not.
  const month = Number(m) <= 2 ? m : String(Number(m));
  return `ngày ${d} tháng ${month} năm ${y}`;
}
