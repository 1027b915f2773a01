/**
 * `npm run bench` (intake part): against the local Postfix + Dovecot of scripts/mailserver.sh.
 *   1. throughput  BENCH_MAILS (default 2000) mails of ~280 KB with a 200 KB PDF are injected
 *                  over SMTP first; then one intake cycle takes them all in (mails/s), and the
 *                  outbox sends every receipt (receipts/s). Once per variant of BENCH_VARIANTS
 *                  (default `unsigned,signed`; `signed-edxml` adds the envelope another gateway
 *                  sends): the PDF unsigned, or sealed by a certificate the world trusts
 *                  (bench/bench-documents.ts), the typical case.
 *   2. latency     BENCH_LATENCY_MAILS (default 200) mails injected at BENCH_RATE/s while the
 *                  service runs with IDLE: p50/p95 from SMTP acceptance to the register commit
 *                  and to the receipt leaving the outbox (signed mails; BENCH_LATENCY_VARIANT).
 * The load average is printed beside the figures: the machine is shared.
 *   3. memory      peak RSS of a separate process taking in one 50 MB mail (bench/big-mail.ts).
 * Prints a JSON summary and a table; numbers, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { runIntakeCycle } from '../src/inbound/pipeline.js';
import { runOutbox } from '../src/outbound/send-outbox.js';
import { startService } from '../src/service.js';
import { AGENCIES, openWorld } from '../test/helpers/world.js';
import { mailServer, resetMailboxes, waitForMessages } from '../test/helpers/mailserver.js';
import { benchAttachments, benchPdf, benchTrust, sealedBenchPdf, VARIANTS, type BenchVariant } from './bench-documents.js';

const N = Number(process.env.BENCH_MAILS ?? 2000);
const LAT_N = Number(process.env.BENCH_LATENCY_MAILS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 20);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function inject(variant: BenchVariant, pdf: Buffer, count: number, tag: string, ratePerSec?: number): Promise<Map<string, number>> {
  const srv = mailServer();
  const transport = nodemailer.createTransport({ host: srv.smtpHost, port: srv.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 5 });
  const accepted = new Map<string, number>();
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    if (ratePerSec) {
      const due = started + (i * 1000) / ratePerSec;
      if (due > Date.now()) await new Promise(r => setTimeout(r, due - Date.now()));
    }
    const messageId = `<bench-${tag}-${i}@ubnd.vinhlong.test>`;
    sends.push(
      transport
        .sendMail({
          from: AGENCIES.ubnd.email,
          to: AGENCIES.soyte.email,
          subject: `Quyết định số ${i + 1}/QĐ-UBND về việc thử tải`,
          messageId,
          text: 'Kính gửi Sở Y tế,\nỦy ban nhân dân tỉnh gửi văn bản đính kèm.\n'.repeat(20),
          attachments: benchAttachments(variant, i, pdf),
        })
        .then(() => void accepted.set(messageId, Date.now())),
    );
    if (sends.length >= 50 && !ratePerSec) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  transport.close();
  return accepted;
}

/** BENCH_WORKERS sets limits.intakeWorkers (default: the configured default); the trust files make the seal `valid`. */
const trust = await benchTrust(path.join(await mkdtemp(path.join(tmpdir(), 'edoc-bench-trust-')), 'trust'));
const limits = { trust, ...(process.env.BENCH_WORKERS === undefined ? {} : { limits: { intakeWorkers: Number(process.env.BENCH_WORKERS) } }) };
const load = () => os.loadavg().map(x => +x.toFixed(2));

async function throughput(variant: BenchVariant, pdf: Buffer) {
  await resetMailboxes();
  const t = await openWorld(['soyte'], { server: true, overrides: limits });
  try {
    const t0 = Date.now();
    await inject(variant, pdf, N, `tp-${variant}`);
    await waitForMessages(AGENCIES.soyte.email, N, 600_000);
    const injectMs = Date.now() - t0;
    const agency = t.config.agencies[0]!;
    const t1 = Date.now();
    const cpu0 = process.cpuUsage();
    const report = await runIntakeCycle(t.app, agency);
    const intakeMs = Date.now() - t1;
    // This process's CPU (its worker threads included; not Dovecot's): on a shared machine the
    // figure that does not grow with the others' load (docs/operations.md §Throughput).
    const cpu = process.cpuUsage(cpu0);
    const t2 = Date.now();
    const sent = await runOutbox(t.app, { limit: 200 });
    const outboxMs = Date.now() - t2;
    const registered = report.processed.filter(p => p.outcome === 'registered').length;
    const verdicts = await t.app.db('attachments').where({ is_pdf: true }).groupBy('signature_verdict').select('signature_verdict as verdict').count('* as n');
    return {
      variant,
      loadavgAfter: load(),
      verdicts: Object.fromEntries(verdicts.map(v => [v.verdict ?? 'none', Number(v.n)])),
      mails: N,
      registered,
      failed: report.failed.length,
      failures: [...new Set(report.failed.map(f => f.error.slice(0, 160)))].slice(0, 3),
      outcomes: Object.fromEntries([...new Set(report.processed.map(p => p.outcome))].map(o => [o, report.processed.filter(p => p.outcome === o).length])),
      injectPerSec: +(N / (injectMs / 1000)).toFixed(1),
      intakePerSec: +(registered / (intakeMs / 1000)).toFixed(1),
      intakeCpuMsPerMail: +((cpu.user + cpu.system) / 1000 / N).toFixed(1),
      receiptsPerSec: +(sent.sent / (outboxMs / 1000)).toFixed(1),
    };
  } finally {
    await t.close();
  }
}

async function latency(variant: BenchVariant, pdf: Buffer) {
  await resetMailboxes();
  const t = await openWorld(['soyte'], { server: true, overrides: { ...limits, schedules: { poll: '*/30 * * * * *', outbox: '*/30 * * * * *' }, http: { port: 0 } } });
  const stop = await startService(t.app);
  try {
    await new Promise(r => setTimeout(r, 1500)); // IDLE listener up
    // Warm up (module loading, JIT) as a running service is: a few mails first, not measured.
    await inject(variant, pdf, 5, 'warm', RATE);
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise(r => setTimeout(r, 200))) {
      const [{ n }] = await t.app.db('outbox').where({ state: 'sent' }).count('* as n');
      if (Number(n) >= 5) break;
    }
    const accepted = await inject(variant, pdf, LAT_N, 'lat', RATE);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [{ n }] = await t.app.db('outbox').where({ state: 'sent' }).count('* as n');
      if (Number(n) >= LAT_N + 5 || Date.now() > deadline) break;
      await new Promise(r => setTimeout(r, 200));
    }
    const rows: Array<{ message_id: string; processed_at: string; sent_at: string | null }> = await t.app.db('received_mails')
      .leftJoin('outbox', 'outbox.received_mail_id', 'received_mails.id')
      .select('received_mails.message_id', 'received_mails.processed_at', 'outbox.sent_at');
    const toCommit: number[] = [];
    const toReceipt: number[] = [];
    for (const r of rows) {
      const at = accepted.get(r.message_id);
      if (at === undefined) continue;
      toCommit.push(new Date(r.processed_at).getTime() - at);
      if (r.sent_at) toReceipt.push(new Date(r.sent_at).getTime() - at);
    }
    return {
      variant,
      loadavgAfter: load(),
      mails: LAT_N,
      ratePerSec: RATE,
      committed: toCommit.length,
      receipts: toReceipt.length,
      commitP50ms: pct(toCommit, 50),
      commitP95ms: pct(toCommit, 95),
      receiptP50ms: pct(toReceipt, 50),
      receiptP95ms: pct(toReceipt, 95),
    };
  } finally {
    await stop();
    await t.close();
  }
}

function bigMail() {
  const run = (mode: string) => spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'big-mail.ts'), mode], { encoding: 'utf8', env: process.env, timeout: 600_000 });
  for (const mode of ['inject', 'intake']) {
    const r = run(mode);
    if (r.status !== 0) return { error: `${mode}: ` + (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ') };
    if (mode === 'intake') return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }
  return {};
}

const pdfs: Record<BenchVariant, Buffer> = { unsigned: await benchPdf(), signed: await sealedBenchPdf(), 'signed-edxml': await sealedBenchPdf() };
const variants = (process.env.BENCH_VARIANTS ?? 'unsigned,signed').split(',').filter((v): v is BenchVariant => (VARIANTS as readonly string[]).includes(v));
const latVariant = (process.env.BENCH_LATENCY_VARIANT ?? 'signed') as BenchVariant;
const scratch = await mkdtemp(path.join(tmpdir(), 'edoc-bench-'));
try {
  // BENCH_ONLY=throughput|latency|memory runs one part (profiling).
  const only = process.env.BENCH_ONLY;
  const loadBefore = load();
  const tp = [];
  for (const v of !only || only === 'throughput' ? variants : []) {
    console.error(`bench: ${v} PDF ${pdfs[v].length} B; throughput over ${N} mails…`);
    tp.push(await throughput(v, pdfs[v]));
  }
  console.error('bench: latency with IDLE…');
  const lat = !only || only === 'latency' ? await latency(latVariant, pdfs[latVariant]) : null;
  console.error('bench: one 50 MB mail…');
  const mem = !only || only === 'memory' ? bigMail() : null;
  const summary = { cpus: os.cpus().length, loadavgBefore: loadBefore, pdfBytes: Object.fromEntries(variants.map(v => [v, pdfs[v].length])), throughput: tp, latency: lat, bigMail: mem };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
