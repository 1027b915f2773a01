/**
 * `npm run bench` (scale part, docs/operations.md §Workers): N hosted mailboxes on one Dovecot
 * (an instance of its own, started by scripts/bench.sh with N+1 users).
 *   1. service    `start` as one worker: IMAP connections held (counted at the server port with
 *                 ss, and by the budget), warnings and errors logged, peak RSS; then 2 mails per
 *                 mailbox injected at SCALE_RATE/s: p50/p95 from SMTP acceptance to the commit.
 *   2. run --once 2 mails per mailbox waiting; one cycle over all of them (wall time).
 * SCALE_MAILBOXES (default 300) is N. Prints a JSON summary; numbers, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApp } from '../src/app.js';
import { validateConfig } from '../src/config/load.js';
import { runCycle } from '../src/cycle.js';
import { memoryLog } from '../src/log.js';
import { startService } from '../src/service.js';
import { documentMail, documentPdf, injectRaw } from '../test/helpers/documents.js';
import { countMessages, mailServer, resetMailboxes } from '../test/helpers/mailserver.js';

const N = Number(process.env.SCALE_MAILBOXES ?? 300);
const RATE = Number(process.env.SCALE_RATE ?? 20);
const SENDER = 'vanthu@gui.scale.test';
export const scaleUsers = (n: number) => [`${SENDER}:gui-pass`, ...Array.from({ length: n }, (_, i) => `vanthu@hop${i}.scale.test:hop-pass-${i}`)].join(' ');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Established TCP connections to the IMAPS port, counted on the server side of the socket table. */
function imapConnections(port: number): number {
  const r = spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : NaN;
}

async function main() {
  const srv = mailServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-scale-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const tls = { caFile: srv.caFile, servername: 'localhost' };
  const agencies = Array.from({ length: N }, (_, i) => {
    const email = `vanthu@hop${i}.scale.test`;
    env[`HOP_${i}_PASSWORD`] = `hop-pass-${i}`;
    return {
      code: `000.90.${String(i).padStart(3, '0')}.H62`,
      name: `Hộp thư thử ${i}`,
      email,
      imap: { host: srv.imapHost, port: srv.imapsPort, secure: true, user: email, passwordEnv: `HOP_${i}_PASSWORD`, tls },
      smtp: { host: srv.smtpHost, port: srv.submissionPort, secure: false, requireTLS: true, user: email, passwordEnv: `HOP_${i}_PASSWORD`, tls },
    };
  });
  const config = validateConfig(
    {
      instance: { domain: 'edoc.scale.test' },
      storage: { database: { client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') }, blobs: path.join(dir, 'blobs') },
      http: { port: 0 },
      // The server's limits are raised for the benchmark (MAILSRV_IMAP_SESSIONS): the budget with them.
      connections: { imapPerHost: N + 20 },
      schedules: { poll: '*/5 * * * *', outbox: '*/10 * * * * *' },
      agencies,
      directory: [{ code: '000.90.999.H62', name: 'Cơ quan gửi thử', emails: [SENDER], kind: 'edoc-bridge' }, ...agencies.map(a => ({ code: a.code, name: a.name, emails: [a.email], kind: 'edoc-bridge' as const }))],
    },
    { env, source: 'scale-bench', baseDir: dir },
  );
  const pdfs = new Map<string, Buffer>();
  const mails = async (tag: string, first: number) => {
    const out: Array<{ to: string; raw: Buffer; messageId: string }> = [];
    for (const a of agencies)
      for (let k = 0; k < 2; k++) {
        const numberNotation = `${first + k}/UBND-VP`;
        if (!pdfs.has(numberNotation)) pdfs.set(numberNotation, await documentPdf({ numberNotation }));
        const messageId = `<scale-${tag}-${a.code}-${k}@gui.scale.test>`;
        out.push({ to: a.email, messageId, raw: await documentMail({ from: SENDER, to: a.email, numberNotation, messageId, pdf: pdfs.get(numberNotation) }) });
      }
    return out;
  };
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 200);
  try {
    await resetMailboxes();
    // 1. the service
    const log = memoryLog();
    const app = await openApp(config, { env, ports: { log } });
    const t0 = Date.now();
    const stop = await startService(app, { web: false });
    let held = 0;
    for (const until = Date.now() + 120_000; Date.now() < until; await sleep(250)) {
      held = Math.max(held, imapConnections(srv.imapsPort));
      if (log.lines.filter(l => l.event === 'IDLE_START').length >= Math.min(N, config.connections.imapPerHost - config.workers.cycleConcurrency) && log.lines.some(l => l.event === 'INTAKE_CYCLE')) break;
    }
    const readyMs = Date.now() - t0;
    const accepted = new Map<string, number>();
    const batch = await mails('svc', 1);
    const started = Date.now();
    for (let i = 0; i < batch.length; i++) {
      const due = started + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const m = batch[i]!;
      void injectRaw(SENDER, [m.to], m.raw).then(() => accepted.set(m.messageId, Date.now()));
      if (i % 10 === 0) held = Math.max(held, imapConnections(srv.imapsPort));
    }
    for (const until = Date.now() + 300_000; Date.now() < until; await sleep(250)) {
      held = Math.max(held, imapConnections(srv.imapsPort));
      const [{ n }] = await app.db('received_mails').whereNotNull('processed_at').count('* as n');
      if (Number(n) >= batch.length) break;
    }
    const rows: Array<{ message_id: string; processed_at: string | null }> = await app.db('received_mails').select('message_id', 'processed_at');
    const lat = rows.filter(r => r.processed_at && accepted.has(r.message_id)).map(r => new Date(r.processed_at!).getTime() - accepted.get(r.message_id)!);
    const problems = log.lines.filter(l => l.level === 'error' || l.level === 'warn');
    const service = {
      mailboxes: N,
      readyMs,
      idleListeners: log.lines.filter(l => l.event === 'IDLE_START').length,
      imapConnectionsHeldMax: held,
      imapBudgetPeak: app.connections.imap.peak(srv.imapHost),
      warningsAndErrors: problems.length,
      problemCodes: [...new Set(problems.map(p => p.event))],
      mails: batch.length,
      committed: lat.length,
      p50ms: pct(lat, 50),
      p95ms: pct(lat, 95),
    };
    await stop();
    await app.close();
    // 2. run --once over N × 2 mails
    await resetMailboxes();
    const once = await mails('once', 3);
    for (let i = 0; i < once.length; i += 20) await Promise.all(once.slice(i, i + 20).map(m => injectRaw(SENDER, [m.to], m.raw)));
    for (const a of agencies) for (let k = 0; k < 200 && (await countMessages(a.email)) < 2; k++) await sleep(100);
    const app2 = await openApp(config, { env: { ...env, EDOC_BRIDGE_LOG_LEVEL: 'silent' }, migrate: false });
    const t1 = Date.now();
    const report = await runCycle(app2);
    const onceMs = Date.now() - t1;
    const runOnce = {
      mails: once.length,
      registered: report.intake.reduce((n, r) => n + r.processed.filter(p => p.outcome === 'registered').length, 0),
      receiptsSent: report.outbox.sent,
      errors: report.errors.length,
      seconds: +(onceMs / 1000).toFixed(1),
      imapBudgetPeak: app2.connections.imap.peak(srv.imapHost),
    };
    await app2.close();
    console.log(JSON.stringify({ service, runOnce, peakRssMB: Math.round(rss / 1048576) }, null, 2));
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'users') console.log(scaleUsers(Number(process.argv[3] ?? N)));
else await main();
