import type { App } from '../app.js';
import type { HostedAgency } from '../config/schema.js';
import { RECIPIENT_STATUS_LABEL, type RecipientStatus } from '../domain/outgoing/recipient-state.js';
import { vnDate, vnDateDisplay } from '../domain/vn-time.js';
import { halfYearLines, halfYearReport, previousHalf } from '../register/half-year-report.js';
import { raiseAlert } from './alerts.js';
import { chainHead } from '../db/event-chain.js';
import { appendEvent } from '../db/events.js';

/** The day's figures for one hosted agency (all counted in the Vietnam calendar day). */
export type DigestFacts = {
  day: string;
  registered: number;
  held: number;
  refused: number;
  quarantineOpen: number;
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
export async function digestFacts(app: App, agency: HostedAgency, now: Date): Promise<DigestFacts> {
  const since = dayStartIso(now);
  const count = async (q: ReturnType<App['db']>) => Number(((await q.count('* as n')) as Array<{ n: number | string }>)[0]?.n ?? 0);
  const waiting: Array<{ status: string; n: number | string }> = await app.db('outgoing_recipients')
    .join('outgoing_documents', 'outgoing_documents.id', 'outgoing_recipients.document_id')
    .where('outgoing_documents.agency_code', agency.code)
    .whereNotIn('outgoing_recipients.status', [...FINISHED])
    .groupBy('outgoing_recipients.status')
    .select('outgoing_recipients.status as status')
    .count('* as n');
  return {
    day: vnDateDisplay(now),
    registered: await count(app.db('register_entries').where({ agency_code: agency.code, status: 'registered' }).where('arrival_at', '>=', since)),
    held: await count(app.db('register_entries').where({ agency_code: agency.code, status: 'held' })),
    refused: await count(app.db('received_mails').where({ agency_code: agency.code, outcome: 'refused' }).where('processed_at', '>=', since)),
    quarantineOpen: await count(app.db('quarantine').where({ agency_code: agency.code, state: 'open' })),
    outgoingToday: await count(app.db('outgoing_documents').where({ agency_code: agency.code }).where('created_at', '>=', since)),
    waiting: waiting.map(w => ({ status: w.status, count: Number(w.n) })),
  };
}

/** The digest as the Vietnamese lines of the notice. */
export function digestText(f: DigestFacts): { message: string; details: string } {
  const lines = [
    `- Văn bản đến đã vào sổ hôm nay: ${f.registered}`,
    `- Văn bản đến chờ văn thư xem xét: ${f.held}`,
    `- Văn bản đến bị từ chối hôm nay: ${f.refused}`,
    `- Thư đang cách ly chờ xử lý: ${f.quarantineOpen}`,
    `- Văn bản đi đăng ký hôm nay: ${f.outgoingToday}`,
    ...f.waiting.map(w => `- Nơi nhận văn bản đi đang ở trạng thái "${RECIPIENT_STATUS_LABEL[w.status as RecipientStatus] ?? w.status}": ${w.count}`),
    ...(f.auditHead ? [`- Mã kiểm tra nhật ký (SHA-256 của bản ghi số ${f.auditHead.lastId}): ${f.auditHead.hash}`] : []),
  ];
  return { message: `Tổng hợp ngày ${f.day}`, details: lines.join('\n') };
}

/** The daily digest job (docs/operations.md §Scheduled jobs): one notice per hosted agency per day, to its clerk. */
export async function runDigest(app: App): Promise<number> {
  const now = app.clock.now();
  let sent = 0;
  // The day's anchor: the chain head, written to the log and into every digest, so a rewrite of the past shows.
  const head = await chainHead(app.db);
  await appendEvent(app.db, now, { event: 'AUDIT_ANCHOR', data: { headId: head.lastId, headHash: head.hash } });
  app.log.info('AUDIT_ANCHOR', { headId: head.lastId, headHash: head.hash });
  for (const agency of app.config.agencies) {
    const facts = { ...(await digestFacts(app, agency, now)), auditHead: head };
    const { message, details } = digestText(facts);
    const queued = await raiseAlert(app.db, app.log, app.config.instance.domain, agency, { event: 'DIGEST_QUEUED', key: `digest.${agency.code}.${vnDate(now)}`, message, details, refType: 'agency', refId: 0, data: { ...facts, waiting: facts.waiting } }, now);
    if (queued) sent++;
  }
  return sent;
}

/** The six-monthly report job: the half year just ended, as a notice to each agency's clerk (once). */
export async function runHalfYearReport(app: App): Promise<number> {
  const now = app.clock.now();
  const { year, half } = previousHalf(vnDate(now));
  let sent = 0;
  for (const agency of app.config.agencies) {
    const report = await halfYearReport(app.db, agency.code, year, half);
    const [title, ...lines] = halfYearLines(report);
    const queued = await raiseAlert(app.db, app.log, app.config.instance.domain, agency, { event: 'REPORT_QUEUED', key: `half-year.${agency.code}.${year}.${half}`, message: title!, details: lines.join('\n'), refType: 'agency', refId: 0, data: { year, half } }, now);
    if (queued) sent++;
  }
  return sent;
}
