import type { App } from '../app.js';
import { listQuarantine } from '../db/quarantine.js';
import { listEntries } from '../db/register.js';
import { escapeHtml } from '../outbound/templates.js';
import { entryRegisterRow, INCOMING_REGISTER_COLUMNS } from '../register/present.js';
import { buildReconcileReport } from '../reconcile/report.js';

const e = escapeHtml;

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px;vertical-align:top}th{background:#eee}</style></head>
<body><p><a href="/register">Sổ văn bản đến</a> · <a href="/outgoing">Theo dõi văn bản đi</a> · <a href="/quarantine">Thư cách ly</a></p><h1>${e(title)}</h1>${body}</body></html>`;
}

/** The incoming register as a printable table (NĐ 30 App. IV columns), one agency and year. */
export async function renderRegisterPage(app: App, q: URLSearchParams): Promise<string> {
  const agency = q.get('agency') ?? app.config.agencies[0]!.code;
  const year = Number(q.get('year')) || undefined;
  const rows = await listEntries(app.db, { agencyCode: agency, year, limit: 500 });
  const name = app.config.agencies.find(a => a.code === agency)?.name ?? agency;
  const head = `<tr>${INCOMING_REGISTER_COLUMNS.map(c => `<th>${e(c)}</th>`).join('')}</tr>`;
  const body = rows.map(r => `<tr>${entryRegisterRow(r).map(v => `<td>${e(v)}</td>`).join('')}</tr>`).join('\n');
  const picker = app.config.agencies.map(a => `<a href="/register?agency=${encodeURIComponent(a.code)}">${e(a.name)}</a>`).join(' · ');
  return page(`Sổ văn bản đến – ${name}`, `<p>${picker}</p><table>${head}${body}</table>`);
}

/** Open quarantine cases, for the operator. */
export async function renderQuarantinePage(app: App): Promise<string> {
  const rows = await listQuarantine(app.db, { state: 'open' });
  const body = rows
    .map(r => `<tr><td>${r.id}</td><td>${e(r.agency_code)}</td><td>${e(r.reason)}</td><td>${e(r.from_address ?? '')}</td><td>${e(r.subject ?? '')}</td><td>${e(r.created_at)}</td></tr>`)
    .join('\n');
  return page('Thư cách ly', `<table><tr><th>#</th><th>Cơ quan</th><th>Lý do</th><th>Người gửi</th><th>Tiêu đề</th><th>Thời điểm</th></tr>${body}</table>
<p>Xử lý bằng lệnh: <code>edoc-bridge quarantine show|retry|release|discard ID</code></p>`);
}

/**
 * Outgoing tracking (docs/status-codes.md §Recipient states): every recipient of every document with its state, last evidence,
 * age and overdue flag, the totals, and the orphan reports that matched nothing.
 */
export async function renderOutgoingPage(app: App, q: URLSearchParams): Promise<string> {
  const report = await buildReconcileReport(app.db, app.clock.now(), { agencyCode: q.get('agency') ?? undefined });
  const rows = report.lines
    .map(
      l => `<tr${l.overdue ? ' style="background:#fdd"' : ''}><td>${e(l.numberNotation)}</td><td>${e(l.date)}</td><td>${e(l.summary)}</td><td>${e(l.recipient)}</td>` +
        `<td>${e(l.label)}</td><td>${e(l.lastCode ?? '')} ${e(l.lastNote ?? '')}</td><td>${e(l.lastEvidenceAt ?? '')}</td><td>${l.ageHours}</td><td>${l.overdue ? 'Quá hạn' : ''}</td></tr>`,
    )
    .join('\n');
  const totals = report.totals.map(t => `<li>${e(t.agency)}: ${e(t.state)} – ${t.count}</li>`).join('');
  const orphans = report.orphans.map(o => `<tr><td>${o.id}</td><td>${e(o.agency)}</td><td>${e(o.kind)}</td><td>${e(o.from ?? '')}</td><td>${e(o.subject ?? '')}</td><td>${e(o.at)}</td></tr>`).join('\n');
  return page(
    'Theo dõi văn bản đi',
    `<table><tr><th>Số, ký hiệu</th><th>Ngày</th><th>Trích yếu</th><th>Nơi nhận</th><th>Trạng thái</th><th>Phản hồi cuối</th><th>Lúc</th><th>Tuổi (giờ)</th><th></th></tr>${rows}</table>
<h2>Tổng hợp</h2><ul>${totals}</ul>
<h2>Phản hồi không khớp văn bản nào (chờ đối soát thủ công)</h2>
<table><tr><th>#</th><th>Cơ quan</th><th>Loại</th><th>Người gửi</th><th>Tiêu đề</th><th>Lúc</th></tr>${orphans}</table>`,
  );
}
