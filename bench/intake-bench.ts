/**
 * `npm run bench` (intake part): against the local Postfix + Dovecot of scripts/mailserver.sh.
 *   1. throughput  BENCH_MAILS (default 2000) mails of ~280 KB with a 200 KB PDF are injected
 *                  over SMTP first; then one intake cycle takes them all in (mails/s), and the
 *                  outbox sends every receipt (receipts/s).
 *   2. latency     BENCH_LATENCY_MAILS (default 200) mails injected at BENCH_RATE/s while the
 *                  service runs with IDLE: p50/p95 from SMTP acceptance to the register commit
 *                  and to the receipt leaving the outbox.
 *   3. memory      peak RSS of a separate process taking in one 50 MB mail (bench/big-mail.ts).
 * Prints a JSON summary and a table; numbers, not assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { PDFDocument } from 'pdf-lib';
import { runIntakeCycle } from '../src/inbound/pipeline.js';
import { runOutbox } from '../src/outbound/send-outbox.js';
import { startService } from '../src/service.js';
import { AGENCIES, openWorld } from '../test/helpers/world.js';
import { documentPdf } from '../test/helpers/documents.js';
import { mailServer, resetMailboxes, waitForMessages } from '../test/helpers/mailserver.js';

const N = Number(process.env.BENCH_MAILS ?? 2000);
const LAT_N = Number(process.env.BENCH_LATENCY_MAILS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 20);

/** A real one-page document padded to ~200 KB with an incompressible stream (like a scanned seal image). */
async function benchPdf(): Promise<Buffer> {
  const doc = await PDFDocument.load(await documentPdf());
  const filler = Buffer.alloc(190 * 1024);
  for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
  doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

async function inject(pdf: Buffer, count: number, tag: string, ratePerSec?: number): Promise<Map<string, number>> {
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
          attachments: [{ filename: `qd-${i + 1}.pdf`, content: pdf, contentType: 'application/pdf' }],
        })
        .then(() => void accepted.set(messageId, Date.now())),
    );
    if (sends.length >= 50 && !ratePerSec) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  transport.close();
  return accepted;
}

/** BENCH_WORKERS sets limits.intakeWorkers (default: the configured default). */
const limits = process.env.BENCH_WORKERS === undefined ? {} : { limits: { intakeWorkers: Number(process.env.BENCH_WORKERS) } };

async function throughput(pdf: Buffer) {
  await resetMailboxes();
  const t = await openWorld(['soyte'], { server: true, overrides: limits });
  try {
    const t0 = Date.now();
    await inject(pdf, N, 'tp');
    await waitForMessages(AGENCIES.soyte.email, N, 600_000);
    const injectMs = Date.now() - t0;
    const agency = t.config.agencies[0]!;
    const t1 = Date.now();
    const report = await runIntakeCycle(t.app, agency);
    const intakeMs = Date.now() - t1;
    const t2 = Date.now();
    const sent = await runOutbox(t.app, { limit: 200 });
    const outboxMs = Date.now() - t2;
    const registered = report.processed.filter(p => p.outcome === 'registered').length;
    return {
      mails: N,
      registered,
      failed: report.failed.length,
      injectPerSec: +(N / (injectMs / 1000)).toFixed(1),
      intakePerSec: +(registered / (intakeMs / 1000)).toFixed(1),
      receiptsPerSec: +(sent.sent / (outboxMs / 1000)).toFixed(1),
    };
  } finally {
    await t.close();
  }
}

async function latency(pdf: Buffer) {
  await resetMailboxes();
  const t = await openWorld(['soyte'], { server: true, overrides: { ...limits, schedules: { poll: '*/30 * * * * *', outbox: '*/30 * * * * *' }, http: { port: 0 } } });
  const stop = await startService(t.app);
  try {
    await new Promise(r => setTimeout(r, 1500)); // IDLE listener up
    // Warm up (module loading, JIT) as a running service is: a few mails first, not measured.
    await inject(pdf, 5, 'warm', RATE);
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise(r => setTimeout(r, 200))) {
      const [{ n }] = await t.app.db('outbox').where({ state: 'sent' }).count('* as n');
      if (Number(n) >= 5) break;
    }
    const accepted = await inject(pdf, LAT_N, 'lat', RATE);
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

const pdf = await benchPdf();
const scratch = await mkdtemp(path.join(tmpdir(), 'edoc-bench-'));
try {
  // BENCH_ONLY=throughput|latency|memory runs one part (profiling).
  const only = process.env.BENCH_ONLY;
  console.error(`bench: PDF ${pdf.length} B; throughput over ${N} mails…`);
  const tp = !only || only === 'throughput' ? await throughput(pdf) : null;
  console.error('bench: latency with IDLE…');
  const lat = !only || only === 'latency' ? await latency(pdf) : null;
  console.error('bench: one 50 MB mail…');
  const mem = !only || only === 'memory' ? bigMail() : null;
  const summary = { pdfBytes: pdf.length, throughput: tp, latency: lat, bigMail: mem };
  console.log(JSON.stringify(summary, null, 2));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
