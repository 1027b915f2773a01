/**
 * `npm run bench` (scale part, docs/operations.md §Workers, §Many mailboxes): N hosted mailboxes on
 * one Dovecot (an instance of its own, started by scripts/bench.sh with N+1 users). SCALE_PARTS
 * (comma-separated, default `service,once`) picks the parts:
 *   service  `start` as one worker, the server's limits raised for N (MAILSRV_IMAP_SESSIONS), the
 *            budget with them: IMAP connections held (counted at the server port with ss, and by the
 *            budget), warnings and errors logged, peak RSS; then 2 mails per mailbox injected at
 *            SCALE_RATE/s: p50/p95 from SMTP acceptance to the commit.
 *   once     2 mails per mailbox waiting; one `run --once` over all of them (wall time).
 *   stock    as `service`, against a stock server (100 Dovecot imap sessions, Postfix's stock limits;
 *            scripts/bench.sh restarts the instance so) with the default budget
 *            (`connections.imapPerHost`): connections held, connection errors (must be 0), the
 *            mailboxes in IDLE and those polled in rotation, latency of each.
 * SCALE_MAILBOXES (default 300) is N. Prints a JSON summary; numbers, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../src/app.js';
import { validateConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { onceLanes, runCycle } from '../src/cycle.js';
import type { EventCode } from '../src/events.js';
import { memoryLog, type Log } from '../src/log.js';
import { startService } from '../src/service.js';
import { documentMail, documentPdf, injectRaw } from '../test/helpers/documents.js';
import { countMessages, mailServer, resetMailboxes } from '../test/helpers/mailserver.js';

const N = Number(process.env.SCALE_MAILBOXES ?? 300);
const RATE = Number(process.env.SCALE_RATE ?? 20);
const PARTS = (process.env.SCALE_PARTS ?? 'service,once').split(',');
const SENDER = 'vanthu@gui.scale.test';
export const scaleUsers = (n: number) => [`${SENDER}:gui-pass`, ...Array.from({ length: n }, (_, i) => `vanthu@hop${i}.scale.test:hop-pass-${i}`)].join(' ');

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Established TCP connections to the IMAPS port, counted on the server side of the socket table. */
export function imapConnections(port: number): number {
  const r = spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : NaN;
}

/** The N hosted mailboxes (their passwords put into `env`) and the configuration object around them. */
export function scaleConfig(n: number, env: NodeJS.ProcessEnv, database: object, dir: string, extra: Record<string, unknown> = {}) {
  const srv = mailServer();
  const tls = { caFile: srv.caFile, servername: 'localhost' };
  const agencies = Array.from({ length: n }, (_, i) => {
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
  return {
    instance: { domain: 'edoc.scale.test' },
    storage: { database, blobs: path.join(dir, 'blobs') },
    http: { port: 0 },
    schedules: { poll: '*/5 * * * *', outbox: '*/10 * * * * *' },
    agencies,
    directory: [{ code: '000.90.999.H62', name: 'Cơ quan gửi thử', emails: [SENDER], kind: 'edoc-bridge' }, ...agencies.map(a => ({ code: a.code, name: a.name, emails: [a.email], kind: 'edoc-bridge' as const }))],
    ...extra,
  };
}

const pdfs = new Map<string, Buffer>();
/** `per` document mails for each mailbox, numbered from `first`. */
export async function scaleMails(emails: string[], tag: string, first: number, per = 2) {
  const out: Array<{ to: string; raw: Buffer; messageId: string }> = [];
  for (const to of emails)
    for (let k = 0; k < per; k++) {
      const numberNotation = `${first + k}/UBND-VP`;
      if (!pdfs.has(numberNotation)) pdfs.set(numberNotation, await documentPdf({ numberNotation }));
      const messageId = `<scale-${tag}-${to.replace(/\W/g, '')}-${k}@gui.scale.test>`;
      out.push({ to, messageId, raw: await documentMail({ from: SENDER, to, numberNotation, messageId, pdf: pdfs.get(numberNotation) }) });
    }
  return out;
}

/** One mail into Postfix, tried again on a transient failure (a loaded machine's Postfix may not greet in time). */
async function injectOne(m: { to: string; raw: Buffer }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await injectRaw(SENDER, [m.to], m.raw);
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(1000 * attempt);
    }
  }
}

/**
 * Inject `batch` at `rate` mails/s (Infinity: as fast as 20 SMTP sessions take them), at most 20
 * sessions at once (Postfix allows 50 per client); the SMTP acceptance time of each by Message-ID.
 */
export async function inject(batch: Array<{ to: string; raw: Buffer; messageId: string }>, rate: number, onTick: () => void = () => undefined) {
  const accepted = new Map<string, number>();
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < batch.length; i++) {
    const due = started + (i * 1000) / rate;
    if (Number.isFinite(rate) && due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= 20) await Promise.race(inFlight);
    const m = batch[i]!;
    const p: Promise<void> = injectOne(m).then(() => void accepted.set(m.messageId, Date.now()));
    inFlight.add(p);
    void p.then(() => inFlight.delete(p), () => inFlight.delete(p));
    if (i % 10 === 0) onTick();
  }
  await Promise.all(inFlight);
  return accepted;
}

/** Log events that mean a connection or a cycle failed (IDLE_NO_BUDGET is the budget working, not an error). */
const CONNECTION_ERRORS = new Set(['IDLE_ERROR', 'INTAKE_FAILED', 'JOB_FAILED', 'MAILBOX_BACKOFF']);

/** `start` as one worker over the N mailboxes, then 2 mails per mailbox at RATE/s. */
async function serviceRun(config: Config, env: NodeJS.ProcessEnv, wait: number) {
  const srv = mailServer();
  const log = memoryLog();
  const app = await openApp(config, { env, ports: { log } });
  const t0 = Date.now();
  const stop = await startService(app, { web: false });
  let held = 0;
  const tick = () => void (held = Math.max(held, imapConnections(srv.imapsPort)));
  const idleTarget = Math.min(N, config.connections.imapPerHost - config.workers.cycleConcurrency);
  for (const until = Date.now() + 180_000; Date.now() < until; await sleep(250)) {
    tick();
    const started = log.lines.filter(l => l.event === 'IDLE_START').length;
    const polled = new Set(log.lines.filter(l => l.event === 'IDLE_NO_BUDGET').map(l => l.agency)).size;
    if (started + polled >= N && started >= idleTarget && log.lines.filter(l => l.event === 'INTAKE_CYCLE').length >= N) break;
  }
  const readyMs = Date.now() - t0;
  const polled = new Set(log.lines.filter(l => l.event === 'IDLE_NO_BUDGET').map(l => String(l.agency)));
  const batch = await scaleMails(config.agencies.map(a => a.email), `svc${Date.now()}`, 1);
  const accepted = await inject(batch, RATE, tick);
  for (const until = Date.now() + wait; Date.now() < until; await sleep(250)) {
    tick();
    const [{ n }] = await app.db('received_mails').whereNotNull('processed_at').count('* as n');
    if (Number(n) >= batch.length) break;
  }
  const rows: Array<{ message_id: string; processed_at: string | null; agency_code: string }> = await app.db('received_mails').select('message_id', 'processed_at', 'agency_code');
  const latency = (pick: (code: string) => boolean) =>
    rows.filter(r => r.processed_at && accepted.has(r.message_id) && pick(r.agency_code)).map(r => new Date(r.processed_at!).getTime() - accepted.get(r.message_id)!);
  const all = latency(() => true);
  const problems = log.lines.filter(l => l.level === 'error' || l.level === 'warn');
  const errors = log.lines.filter(l => CONNECTION_ERRORS.has(String(l.event)) || l.level === 'error');
  const ms = (xs: number[]) => ({ n: xs.length, p50ms: pct(xs, 50), p95ms: pct(xs, 95) });
  const out = {
    mailboxes: N,
    imapBudget: config.connections.imapPerHost,
    readyMs,
    idleListeners: new Set(log.lines.filter(l => l.event === 'IDLE_START').map(l => l.agency)).size,
    polledInRotation: polled.size,
    imapConnectionsHeldMax: held,
    imapBudgetPeak: app.connections.imap.peak(srv.imapHost),
    connectionErrors: errors.length,
    warningsAndErrors: problems.length,
    problemCodes: [...new Set(problems.map(p => p.event))],
    // Intake cycles run, and those that found the inbox empty (the start's included: one per mailbox).
    intakeCycles: log.lines.filter(l => l.event === 'INTAKE_CYCLE').length,
    emptyCycles: log.lines.filter(l => l.event === 'INTAKE_CYCLE' && l.listed === 0).length,
    mails: batch.length,
    committed: all.length,
    ...ms(all),
    ...(polled.size ? { idleMailboxes: ms(latency(c => !polled.has(c))), polledMailboxes: ms(latency(c => polled.has(c))) } : {}),
  };
  await stop();
  await app.close();
  return out;
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-scale-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const configFor = (name: string, extra: Record<string, unknown>) =>
    validateConfig(scaleConfig(N, env, { client: 'sqlite3', filename: path.join(dir, `${name}.sqlite`) }, path.join(dir, name), extra), { env, source: 'scale-bench', baseDir: dir });
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 200);
  const out: Record<string, unknown> = { mailboxes: N, rate: RATE, load: loadavg().map(l => +l.toFixed(1)) };
  try {
    if (PARTS.includes('service')) {
      await resetMailboxes();
      // The server's limits are raised for these parts (MAILSRV_IMAP_SESSIONS): the budget with them.
      out.service = await serviceRun(configFor('service', { connections: { imapPerHost: N + 20 } }), env, 300_000);
    }
    if (PARTS.includes('stock')) {
      await resetMailboxes();
      // A stock server: the default budget (connections.imapPerHost), the rest polled in rotation.
      out.stock = await serviceRun(configFor('stock', {}), env, 600_000);
    }
    if (PARTS.includes('once')) out.runOnce = await runOnce(configFor('once', { connections: { imapPerHost: N + 20 } }), env);
    out.peakRssMB = Math.round(rss / 1048576);
    out.loadAfter = loadavg().map(l => +l.toFixed(1));
    console.log(JSON.stringify(out, null, 2));
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

/** One `run --once` over N × 2 waiting mails. */
async function runOnce(config: Config, env: NodeJS.ProcessEnv) {
  const srv = mailServer();
  await resetMailboxes();
  await inject(await scaleMails(config.agencies.map(a => a.email), `once${Date.now()}`, 3), Infinity);
  for (const a of config.agencies) for (let k = 0; k < 200 && (await countMessages(a.email)) < 2; k++) await sleep(100);
  // Where the wall time goes: each intake cycle's and each send's end, timed (the log lines, no profiler).
  const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent };
  const stamps: Array<{ event: string; at: number }> = [];
  const timed = (l: Log): Log => {
    const at = (level: 'info' | 'warn' | 'error' | 'debug') => (event: EventCode, fields?: Record<string, unknown>) => {
      if (event === 'INTAKE_CYCLE' || event === 'OUTBOX_SENT') stamps.push({ event, at: Date.now() });
      l[level](event, fields);
    };
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: b => timed(l.child(b)) };
  };
  const app = await openApp(config, { env, ports: { log: timed(silent) } });
  const t1 = Date.now();
  const report = await runCycle(app);
  const onceMs = Date.now() - t1;
  const phase = (event: string) => {
    const ats = stamps.filter(s => s.event === event).map(s => s.at - t1);
    return ats.length ? { firstS: +(Math.min(...ats) / 1000).toFixed(1), lastS: +(Math.max(...ats) / 1000).toFixed(1) } : null;
  };
  const out = {
    mails: config.agencies.length * 2,
    registered: report.intake.reduce((n, r) => n + r.processed.filter(p => p.outcome === 'registered').length, 0),
    receiptsSent: report.outbox.sent,
    errors: report.errors.length,
    seconds: +(onceMs / 1000).toFixed(1),
    imapBudgetPeak: app.connections.imap.peak(srv.imapHost),
    lanes: onceLanes(config),
    // From the run's start: the mailboxes' intake cycles ending, then the receipts leaving.
    intakeCycles: phase('INTAKE_CYCLE'),
    sends: phase('OUTBOX_SENT'),
    smtpBudgetPeak: app.connections.smtp.peak(srv.smtpHost),
  };
  await app.close();
  return out;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === 'users') console.log(scaleUsers(Number(process.argv[3] ?? N)));
else if (isMain) await main();
