import type { Db } from '../db/connect.js';
import { periodCounts } from '../db/stats.js';

/**
 * The six-monthly report on electronic document exchange (QĐ 1123/QĐ-UBND Art. 24; docs/registers.md §Six-monthly report):
 * per hosted agency and half year, what came in (by legal value, refusals, recalls) and what went
 * out (documents, and their recipients by state). Periods are Vietnam calendar halves.
 */
export type HalfYearReport = {
  agency: string;
  year: number;
  half: 1 | 2;
  from: string;
  to: string;
  incoming: { registered: number; legal: number; reference: number; paper: number; refused: number; quarantined: number; cancelled: number };
  outgoing: { documents: number; recipients: Array<{ status: string; count: number }> };
};

/** First day and the day after the last day of a half year, as UTC instants of Vietnam midnight. */
export function halfYearBounds(year: number, half: 1 | 2): { fromIso: string; toIso: string; from: string; to: string } {
  const start = half === 1 ? `${year}-01-01` : `${year}-07-01`;
  const end = half === 1 ? `${year}-07-01` : `${year + 1}-01-01`;
  const last = half === 1 ? `${year}-06-30` : `${year}-12-31`;
  const utc = (d: string) => new Date(Date.parse(`${d}T00:00:00+07:00`)).toISOString();
  return { fromIso: utc(start), toIso: utc(end), from: start, to: last };
}

/** Count the report's figures from the database. */
export async function halfYearReport(db: Db, agency: string, year: number, half: 1 | 2): Promise<HalfYearReport> {
  const { fromIso, toIso, from, to } = halfYearBounds(year, half);
  return { agency, year, half, from, to, ...(await periodCounts(db, agency, fromIso, toIso)) };
}

/** The report as Vietnamese lines (notice to the clerk, text output). */
export function halfYearLines(r: HalfYearReport): string[] {
  return [
    `Báo cáo 6 tháng ${r.half === 1 ? 'đầu' : 'cuối'} năm ${r.year} (từ ${r.from.split('-').reverse().join('/')} đến ${r.to.split('-').reverse().join('/')})`,
    `Văn bản đến đã vào sổ: ${r.incoming.registered} (có giá trị pháp lý: ${r.incoming.legal}; tham khảo: ${r.incoming.reference}; văn bản giấy: ${r.incoming.paper}; bị thu hồi: ${r.incoming.cancelled})`,
    `Văn bản đến bị từ chối: ${r.incoming.refused}; thư phải cách ly: ${r.incoming.quarantined}`,
    `Văn bản đi đã đăng ký: ${r.outgoing.documents}`,
    ...r.outgoing.recipients.map(x => `  Nơi nhận ở trạng thái ${x.status}: ${x.count}`),
  ];
}

/** The half year that has just ended on `today` (YYYY-MM-DD, Vietnam): the job runs on 1/1 and 1/7. */
export function previousHalf(today: string): { year: number; half: 1 | 2 } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return m <= 6 ? { year: y - 1, half: 2 } : { year: y, half: 1 };
}
