import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.js';
import { listAgencies } from '../../db/agencies.js';
import { countEntries, searchEntries, type Cursor, type EntryFilter } from '../../db/register-search.js';
import { searchText } from '../../db/search-text.js';
import { openQuarantineCount } from '../../db/web-queries.js';
import { vnDate, vnYear } from '../../domain/vn-time.js';
import { BridgeError } from '../../errors.js';
import { stringify } from 'csv-stringify/sync';
import { ENTRY_STATUS_VI, recipientLabel, URGENCY_VI } from '../format.js';
import { registerFile, registerTable, sixMonthReport, type PrintRange } from '../services.js';
import { page } from '../views.js';

type RegisterQuery = { q?: string; from?: string; to?: string; status?: string; urgency?: string; after?: string; before?: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PAGE_SIZE = 50;

/** `2026.123` → a register position. */
function cursor(s: string | undefined): Cursor | undefined {
  const m = /^(\d{4})\.(\d{1,9})$/.exec(s ?? '');
  return m ? { year: Number(m[1]), number: Number(m[2]) } : undefined;
}

/** The instant a Vietnam day starts. */
function vnMidnight(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();
}

/** Overdue: a due date before today that is not done (highlighted in the list). */
export function isOverdue(e: { due_date: string | null; status: string }, today: string): boolean {
  return !!e.due_date && e.due_date < today && !['done', 'cancelled'].includes(e.status);
}

/**
 * The incoming register page (NĐ 30 App. IV columns; docs/registers.md), its printable export
 * (PDF/CSV, a year or a date range, either register), the six-monthly report, and the directory
 * search the compose form calls as the clerk types.
 */
export function registerRoutes(app: App): FastifyPluginAsync {
  return async f => {
    f.get<{ Params: { agency: string }; Querystring: RegisterQuery }>('/a/:agency/register', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const q = req.query;
      const filter: EntryFilter = { agencyCode: agency };
      if (q.q?.trim()) filter.q = q.q.normalize('NFC').slice(0, 200);
      if (q.from && DAY.test(q.from)) filter.fromIso = vnMidnight(q.from);
      if (q.to && DAY.test(q.to)) filter.toIso = new Date(Date.parse(vnMidnight(q.to)) + 86_400_000).toISOString();
      if (q.status && ENTRY_STATUS_VI[q.status]) filter.status = q.status;
      if (q.urgency && URGENCY_VI[q.urgency]) filter.urgency = q.urgency;
      const result = await searchEntries(app.db, filter, { after: cursor(q.after), before: cursor(q.before), limit: PAGE_SIZE });
      const total = await countEntries(app.db, filter);
      const keep = new URLSearchParams(Object.entries({ q: q.q, from: q.from, to: q.to, status: q.status, urgency: q.urgency }).filter((e): e is [string, string] => !!e[1]));
      const link = (k: 'after' | 'before', e: { year: number; arrival_number: number }) => `?${new URLSearchParams([...keep, [k, `${e.year}.${e.arrival_number}`]])}`;
      const first = result.rows[0];
      const last = result.rows.at(-1);
      return page(app, req, reply, 'register', {
        title: 'Sổ văn bản đến',
        agency: app.config.agencies.find(a => a.code === agency)!,
        rows: result.rows,
        total,
        query: { q: q.q ?? '', from: q.from ?? '', to: q.to ?? '', status: filter.status ?? '', urgency: filter.urgency ?? '' },
        newer: result.hasNewer && first ? link('before', first) : null,
        older: result.hasOlder && last ? link('after', last) : null,
        firstPage: result.hasNewer ? `?${keep}` : null,
        filtered: !!(filter.q || filter.fromIso || filter.toIso || filter.status || filter.urgency),
        today: vnDate(app.ports.clock.now()),
        isOverdue,
        year: vnYear(app.ports.clock.now()),
        quarantined: await openQuarantineCount(app.db, agency),
      });
    });

    f.get<{ Params: { agency: string }; Querystring: { kind?: string; format?: string; year?: string; from?: string; to?: string } }>('/a/:agency/register/export', { schema: { hide: true } }, async (req, reply) => {
      const { agency } = req.params;
      const { kind = 'incoming', format = 'pdf', year, from, to } = req.query;
      if (kind !== 'incoming' && kind !== 'outgoing') throw new BridgeError('USAGE', 'kind must be incoming or outgoing');
      if (format !== 'csv' && format !== 'pdf') throw new BridgeError('USAGE', 'format must be csv or pdf');
      let range: PrintRange;
      if (from && to && DAY.test(from) && DAY.test(to) && from <= to) range = { from, to };
      else if (year && /^\d{4}$/.test(year)) range = { year: Number(year) };
      else if (!year && !from && !to) range = { year: vnYear(app.ports.clock.now()) };
      else throw new BridgeError('USAGE', 'give a year, or a from and to date (from before to)');
      const table = await registerTable(app, agency, kind, range);
      const bytes = await registerFile(app, table, format);
      const period = 'year' in range ? String(range.year) : `${range.from}_${range.to}`;
      const name = `so-van-ban-${kind === 'incoming' ? 'den' : 'di'}-${period}.${format}`;
      return reply
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', `attachment; filename="${name}"`)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf')
        .send(bytes);
    });

    f.get<{ Params: { agency: string }; Querystring: { year?: string; half?: string; format?: string } }>('/a/:agency/report', { schema: { hide: true } }, async (req, reply) => {
      const now = app.ports.clock.now();
      const year = /^\d{4}$/.test(req.query.year ?? '') ? Number(req.query.year) : vnYear(now);
      const half = req.query.half === '2' ? 2 : req.query.half === '1' ? 1 : Number(vnDate(now).slice(5, 7)) > 6 ? 2 : 1;
      const { report, lines } = await sixMonthReport(app, req.params.agency, year, half);
      if (req.query.format === 'csv') {
        const r = report;
        const csv = '\ufeff' + stringify([
          ['Chỉ tiêu', 'Số lượng'],
          ['Văn bản đến đã vào sổ', r.incoming.registered],
          ['- có giá trị pháp lý', r.incoming.legal],
          ['- tham khảo', r.incoming.reference],
          ['- văn bản giấy', r.incoming.paper],
          ['- bị thu hồi', r.incoming.cancelled],
          ['Văn bản đến bị từ chối', r.incoming.refused],
          ['Thư phải cách ly', r.incoming.quarantined],
          ['Văn bản đi đã đăng ký', r.outgoing.documents],
          ...r.outgoing.recipients.map(x => [`- nơi nhận: ${recipientLabel(x.status)}`, x.count]),
        ]);
        return reply.header('Cache-Control', 'no-store').header('Content-Disposition', `attachment; filename="bao-cao-6-thang-${year}-${half}.csv"`).type('text/csv; charset=utf-8').send(csv);
      }
      return page(app, req, reply, 'report', { title: 'Báo cáo 6 tháng', agency: app.config.agencies.find(a => a.code === req.params.agency)!, report, lines, year, half });
    });

    f.get<{ Params: { agency: string }; Querystring: { q?: string } }>('/a/:agency/directory/search', { schema: { hide: true } }, async req => {
      const words = searchText([req.query.q ?? '']).split(' ').filter(Boolean);
      const all = await listAgencies(app.db);
      const hits = all.filter(a => a.code !== req.params.agency && words.every(w => searchText([a.name, a.code, ...a.emails]).includes(w)));
      return hits.slice(0, 20).map(a => ({ code: a.code, name: a.name, emails: a.emails }));
    });
  };
}
