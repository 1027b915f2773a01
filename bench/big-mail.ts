/**
 * Peak memory while taking in one 50 MB mail (a ~36 MB PDF, base64-encoded). `inject` sends it;
 * `intake` (a fresh process, so VmHWM, the kernel's peak RSS, measures only the intake) takes it
 * in. Each prints one JSON line; `growthMb` is the peak over the resident memory once the prepare
 * worker is up, and `growthPerMailByte` that growth over the mail's size (the target is ≤ 1.5).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import nodemailer from 'nodemailer';
import { PDFDocument } from 'pdf-lib';
import { runIntakeCycle } from '../src/inbound/pipeline.js';
import { AGENCIES, openWorld } from '../test/helpers/world.js';
import { documentPdf } from '../test/helpers/documents.js';
import { mailServer, resetMailboxes, waitForMessages } from '../test/helpers/mailserver.js';

const TARGET = Number(process.env.BENCH_BIG_BYTES ?? 50 * 1024 * 1024);

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

const mode = process.argv[2] ?? 'intake';
if (mode === 'inject') {
await resetMailboxes();
const srv = mailServer();
// A real PDF grown with an incompressible stream to reach ~TARGET bytes once base64-encoded.
const doc = await PDFDocument.load(await documentPdf());
const filler = Buffer.alloc(Math.floor((TARGET / 4) * 3) - 64 * 1024);
for (let i = 0; i < filler.length; i++) filler[i] = (i * 2654435761) >>> 24;
doc.context.register(doc.context.stream(filler, { Type: 'XObject', Subtype: 'Image', Width: 1, Height: 1, BitsPerComponent: 8, ColorSpace: 'DeviceGray' }));
const pdf = Buffer.from(await doc.save({ useObjectStreams: false }));
const transport = nodemailer.createTransport({ host: srv.smtpHost, port: srv.smtpPort, secure: false, ignoreTLS: true });
await transport.sendMail({ from: AGENCIES.ubnd.email, to: AGENCIES.soyte.email, subject: 'Văn bản lớn số 99/UBND-VP', attachments: [{ filename: 'lon.pdf', content: pdf }] });
transport.close();
filler.fill(0);
await waitForMessages(AGENCIES.soyte.email, 1, 120_000);
console.log(JSON.stringify({ injected: pdf.length }));
} else {
// A fresh process: VmHWM below is the peak of the intake alone.
const before = vmHwmMb();
const rssBefore = Math.round(process.memoryUsage().rss / 1048576);
const t = await openWorld(['soyte'], { server: true });
// The prepare worker started (modules loaded, warmed up) by a small mail first: its fixed cost is
// not the mail's. Then the kernel's peak is reset (clear_refs 5), so the growth below is what
// taking in the big mail costs.
await t.app.preparer.prepare(Buffer.from('From: a@example.invalid\r\nSubject: start\r\n\r\nstart\r\n'), new Date());
const peakWithWorker = vmHwmMb();
const base = Math.round(process.memoryUsage().rss / 1048576);
let reset = true;
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  reset = false; // not allowed here: the growth below is then an upper bound
}
const started = Date.now();
// What holds memory at the peak: the main thread's own figures (the prepare worker's heap is in the
// rss only) sampled every 10 ms, the sample with the highest rss kept.
const mb = (n: number) => Math.round(n / 1048576);
let atPeak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0, atMs: 0 };
const timeline: string[] = [];
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  if (process.env.BENCH_TIMELINE && timeline.length * 100 <= Date.now() - started) timeline.push(`${Date.now() - started}:${mb(m.rss)}/${mb(m.arrayBuffers)}`);
  if (m.rss > atPeak.rss * 1048576) atPeak = { rss: mb(m.rss), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), atMs: Date.now() - started };
}, 10);
const report = await runIntakeCycle(t.app, t.config.agencies[0]!);
clearInterval(sampler);
const ms = Date.now() - started;
const peak = vmHwmMb();
const row = await t.app.db('received_mails').first('raw_size');
await t.close();
const mailBytes = Number(row?.raw_size ?? 0);
const growthMb = peak - base;
console.log(
  JSON.stringify({
    mailBytes,
    outcome: report.processed[0]?.outcome ?? report.failed[0]?.error,
    ms,
    rssBeforeMb: rssBefore,
    peakBeforeIntakeMb: before,
    peakWithWorkerMb: peakWithWorker,
    rssWithWorkerMb: base,
    peakRssMb: reset ? peak : Math.max(peak, peakWithWorker),
    growthMb: reset ? growthMb : undefined,
    mainThreadAtPeakMb: atPeak,
    ...(process.env.BENCH_TIMELINE ? { timeline: timeline.join(' ') } : {}),
    growthPerMailByte: reset ? Math.round(((growthMb * 1048576) / mailBytes) * 100) / 100 : undefined,
    loadAverage: loadavg().map(l => Math.round(l * 10) / 10),
  }),
);
}
