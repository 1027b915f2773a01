import type { HostedAgency } from '../config/schema.js';
import type { Db } from '../db/connect.js';
import { chainHead } from '../db/event-chain.js';
import { appendEvent } from '../db/events.js';
import { heldCounts } from '../db/received.js';
import { dayCounts } from '../db/stats.js';
import { RECIPIENT_STATUS_LABEL, type RecipientStatus } from '../domain/outgoing/recipient-state.js';
import { vnDate, vnDateDisplay, vnDateTimeDisplay } from '../domain/vn-time.js';
import { raiseAlert } from '../outbound/alerts.js';
import type { Deps } from '../ports.js';
import { halfYearLines, halfYearReport, previousHalf } from './half-year-report.js';

/** The day's figures for one hosted agency (all counted in the Vietnam calendar day). */
export type DigestFacts = {
  day: string;
  registered: number;
  held: number;
  refused: number;
  quarantineOpen: number;
  /** Mails held for the malware scanner, not registered yet, and when the oldest arrived (docs/hostile-input.md §Scanning). */
  heldForScan: { count: number; oldest?: string };
  outgoingToday: number;
  /** Recipients of this agency's documents, by status, that are not finished. */
  waiting: Array<{ status: string; count: number }>;
  /** The event chain head anchored today (docs/hostile-input.md §Audit chain). */
  auditHead?: { lastId: number; hash: string };
};

/** Statuses that need nobody's attention any more. */
const FINISHED: ReadonlySet<string> = new Set(['done', 'recalled', 'refused', 'expired']);

/** Start of the Vietnam day containing `now`, as a UTC ISO string (for text comparison in the DB). */
function dayStartIso(now: Date): string {
  return new Date(Date.parse(`${vnDate(now)}T00:00:00+07:00`)).toISOString();
}

/** Count what the clerk should know at the end of the day (read-only). */
export async function digestFacts(db: Db, agency: HostedAgency, now: Date): Promise<DigestFacts> {
  const held = (await heldCounts(db)).find(h => h.agency_code === agency.code);
  return { day: vnDateDisplay(now), ...(await dayCounts(db, agency.code, dayStartIso(now), [...FINISHED])), heldForScan: held ? { count: held.n, oldest: held.oldest } : { count: 0 } };
}

/** The digest as the Vietnamese lines of the notice. */
function digestText(f: DigestFacts): { message: string; details: string } {
  const lines = [
    `- Văn bản đến đã vào sổ hôm nay: ${f.registered}`,
    `- Văn bản đến chờ văn thư xem xét: ${f.held}`,
    `- Văn bản đến bị từ chối hôm nay: ${f.refused}`,
    `- Thư đang cách ly chờ xử lý: ${f.quarantineOpen}`,
    ...(f.heldForScan.count
      ? [`- Văn bản đến chờ quét mã độc, chưa vào sổ: ${f.heldForScan.count} (thư đến sớm nhất lúc ${vnDateTimeDisplay(new Date(f.heldForScan.oldest!))}); đề nghị người quản trị kiểm tra máy quét mã độc`]
      : []),
    `- Văn bản đi đăng ký hôm nay: ${f.outgoingToday}`,
    ...f.waiting.map(w => `- Nơi nhận văn bản đi đang ở trạng thái "${RECIPIENT_STATUS_LABEL[w.status as RecipientStatus] ?? w.status}": ${w.count}`),
    ...(f.auditHead ? [`- Mã kiểm tra nhật ký (SHA-256 của bản ghi số ${f.auditHead.lastId}): ${f.auditHead.hash}`] : []),
  ];
  return { message: `Tổng hợp ngày ${f.day}`, details: lines.join('\n') };
}

/** The daily digest job (docs/operations.md §Scheduled jobs): one notice per hosted agency per day, to its clerk. */
export async function runDigest(deps: Deps): Promise<number> {
  const now = deps.ports.clock.now();
  let sent = 0;
  // The day's anchor: the chain head, written to the log and into every digest, so a rewrite of the past shows.
  const head = await chainHead(deps.db);
  await appendEvent(deps.db, now, { event: 'AUDIT_ANCHOR', data: { headId: head.lastId, headHash: head.hash } });
  deps.ports.log.info('AUDIT_ANCHOR', { headId: head.lastId, headHash: head.hash });
  for (const agency of deps.config.agencies) {
    const facts = { ...(await digestFacts(deps.db, agency, now)), auditHead: head };
    const { message, details } = digestText(facts);
    const queued = await raiseAlert(deps, agency, { event: 'DIGEST_QUEUED', key: `digest.${agency.code}.${vnDate(now)}`, message, details, refType: 'agency', refId: 0, data: { ...facts, waiting: facts.waiting } }, now);
    if (queued) sent++;
  }
  return sent;
}

/** The six-monthly report job: the half year just ended, as a notice to each agency's clerk (once). */
export async function runHalfYearReport(deps: Deps): Promise<number> {
  const now = deps.ports.clock.now();
  const { year, half } = previousHalf(vnDate(now));
  let sent = 0;
  for (const agency of deps.config.agencies) {
    const report = await halfYearReport(deps.db, agency.code, year, half);
    const [title, ...lines] = halfYearLines(report);
    const queued = await raiseAlert(deps, agency, { event: 'REPORT_QUEUED', key: `half-year.${agency.code}.${year}.${half}`, message: title!, details: lines.join('\n'), refType: 'agency', refId: 0, data: { year, half } }, now);
    if (queued) sent++;
  }
  return sent;
}
