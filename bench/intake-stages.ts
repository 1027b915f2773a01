/**
 * Where the intake's CPU goes, per mail and per stage (docs/operations.md §Throughput), for each
 * bench variant (bench/bench-documents.ts). One thread, no mail server: parse, edXML, the PDF
 * stream check, the signature check, the text pass, the metadata, then classify + route + blob
 * writes (`route`) and the register transaction on a fake-mail world (SQLite by default; EDOC_TEST_DB=pg for PostgreSQL), with the
 * commit's SQL statements counted. IMAP and the store's sync are measured by bench/intake-bench.ts.
 * Figures only. Run: npx tsx bench/intake-stages.ts [mails-per-variant]
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { DEFAULT_DECODE_LIMITS } from '../src/config/schema.js';
import { recordReceived } from '../src/db/received.js';
import { processReceived } from '../src/inbound/process.js';
import { prepareMail, type Prepared } from '../src/inbound/prepare.js';
import { loadTrust, signatureVerifier } from '../src/inbound/signature-verifier.js';
import { findEdxml, unpackEnvelopeAttachments } from '../src/mail/edxml-parts.js';
import { extractDocumentMetadata } from '../src/mail/metadata.js';
import { parseMail } from '../src/mail/parse.js';
import { checkPdfStreams } from '../src/pdf/stream-budget.js';
import { extractPdfText } from '../src/pdf/text.js';
import { AGENCIES, openWorld } from '../test/helpers/world.js';
import { benchAttachments, benchPdf, benchTrust, sealedBenchPdf, VARIANTS, type BenchVariant } from './bench-documents.js';

const N = Number(process.argv[2] ?? 100);
const WARM = 10;

async function mailOf(variant: BenchVariant, i: number, pdf: Buffer): Promise<Buffer> {
  return new MailComposer({
    from: AGENCIES.ubnd.email,
    to: AGENCIES.soyte.email,
    subject: `Quyết định số ${i + 1}/QĐ-UBND về việc thử tải`,
    messageId: `<stages-${variant}-${i}@ubnd.vinhlong.test>`,
    text: 'Kính gửi Sở Y tế,\nỦy ban nhân dân tỉnh gửi văn bản đính kèm.\n'.repeat(20),
    attachments: benchAttachments(variant, i, pdf),
  })
    .compile()
    .build();
}

type Stage = 'parse' | 'edxml' | 'pdfStreams' | 'signature' | 'text' | 'metadata' | 'route' | 'transaction';
const STAGES: Stage[] = ['parse', 'edxml', 'pdfStreams', 'signature', 'text', 'metadata', 'route', 'transaction'];

async function run(variant: BenchVariant) {
  const w = await openWorld(['soyte'], { overrides: { trust: await benchTrust(path.join(os.tmpdir(), `edoc-stages-trust-${process.pid}`)) } });
  try {
    const verifier = signatureVerifier(await loadTrust(w.config.trust));
    const pdf = variant === 'unsigned' ? await benchPdf() : await sealedBenchPdf();
    const agency = w.config.agencies[0]!;
    const ms: Record<Stage, number[]> = { parse: [], edxml: [], pdfStreams: [], signature: [], text: [], metadata: [], route: [], transaction: [] };
    const cpuMs: Record<Stage, number[]> = { parse: [], edxml: [], pdfStreams: [], signature: [], text: [], metadata: [], route: [], transaction: [] };
    let statements = 0;
    let counting = false;
    const sql: string[] = [];
    // The register transaction, from its BEGIN to the last response (its COMMIT's): wall and CPU.
    let txStart = { wall: 0, cpu: 0 };
    let txEnd = { wall: 0, cpu: 0 };
    const stamp = () => {
      const u = process.cpuUsage();
      return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
    };
    w.app.db.on('query-response', () => void (counting && (txEnd = stamp())));
    w.app.db.on('query', (q: { sql: string }) => {
      if (!counting) return;
      if (/^begin/iu.test(q.sql)) txStart = stamp();
      statements++;
      if (sql.length < 40) sql.push(q.sql.slice(0, 100));
    });
    const verdicts = new Map<string, number>();
    for (let i = 0; i < N + WARM; i++) {
      const raw = await mailOf(variant, i, pdf);
      const now = w.app.ports.clock.now();
      const t: Partial<Record<Stage, number>> = {};
      const c: Partial<Record<Stage, number>> = {};
      let at = performance.now();
      let cpuAt = process.cpuUsage();
      // Wall time and the process's CPU time (all its threads: the SQLite driver's too): on a shared
      // machine the CPU time is the figure that does not grow with the others' load.
      const lap = (s: Stage) => {
        const n = performance.now();
        const cpu = process.cpuUsage(cpuAt);
        t[s] = n - at;
        c[s] = (cpu.user + cpu.system) / 1000;
        at = n;
        cpuAt = process.cpuUsage();
      };
      // The stages of prepareMail, one by one (prepare.ts), to time each.
      const mail = await parseMail(raw, { maxAttachments: w.config.limits.maxAttachments });
      lap('parse');
      const found = findEdxml(mail).envelope?.parse;
      const envelope = found?.ok ? found : null;
      const files = envelope ? [...mail.attachments, ...unpackEnvelopeAttachments(envelope).files] : mail.attachments;
      lap('edxml');
      for (const a of files.filter(x => x.isPdf)) checkPdfStreams(a.content, DEFAULT_DECODE_LIMITS);
      lap('pdfStreams');
      for (const a of files.filter(x => x.isPdf)) {
        const v = await verifier(a.content, now);
        verdicts.set(v.verdict, (verdicts.get(v.verdict) ?? 0) + 1);
      }
      lap('signature');
      const texts = new Map<string, string>();
      for (const a of files.filter(x => x.isPdf)) {
        const r = await extractPdfText(a.content, { maxPages: 3, budgetChecked: true });
        if ('text' in r) texts.set(a.sha256, r.text);
      }
      lap('text');
      extractDocumentMetadata(mail, texts, envelope ?? undefined);
      lap('metadata');
      // The real prepare (with the text-pass rule of prepare.ts) feeds the route, not timed here.
      const prepared: Prepared = await prepareMail(raw, now, verifier, w.config.limits.maxAttachments);
      const { row } = await recordReceived(w.app.db, { agencyCode: agency.code, messageKey: `sha256:${createHash('sha256').update(raw).digest('hex')}`, messageId: null, rawSha256: (await w.app.ports.blobs.put(raw)).sha256, rawSize: raw.length, uidvalidity: null, uid: null }, now);
      const before = statements;
      counting = true;
      at = performance.now();
      cpuAt = process.cpuUsage();
      const outcome = await processReceived(w.app, agency, row, prepared);
      lap('route');
      counting = false;
      // The route's time less its transaction: the sender look-up, classify, the receipt composed, the blob writes.
      t.transaction = txEnd.wall - txStart.wall;
      c.transaction = txEnd.cpu - txStart.cpu;
      t.route! -= t.transaction;
      c.route! -= c.transaction;
      if (outcome.outcome !== 'registered') throw new Error(`${variant}: mail ${i} ${outcome.outcome} ${outcome.detail ?? ''}`);
      if (i >= WARM) for (const s of STAGES) ms[s].push(t[s]!), cpuMs[s].push(c[s]!);
      // BENCH_SQL=1 lists the statements of the first mails' route and commit.
      if (process.env.BENCH_SQL && i === 1) console.error(`${variant}: ${statements - before} statements\n  ${sql.join('\n  ')}`);
    }
    const mean = (xs: number[]) => +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
    const table = (xs: Record<Stage, number[]>) => {
      const row = Object.fromEntries(STAGES.map(s => [s, mean(xs[s])])) as Record<Stage, number>;
      return { ...row, total: +STAGES.reduce((a, s) => a + row[s], 0).toFixed(2) };
    };
    return { variant, mailBytes: (await mailOf(variant, 0, pdf)).length, wallMs: table(ms), cpuMs: table(cpuMs), statementsPerMail: +(statements / (N + WARM)).toFixed(1), verdicts: Object.fromEntries(verdicts) };
  } finally {
    await w.close();
  }
}

const rows = [];
const only = process.env.BENCH_VARIANT as BenchVariant | undefined;
for (const v of VARIANTS) if (!only || only === v) rows.push(await run(v));
console.log(JSON.stringify({ mailsPerVariant: N, loadavg: os.loadavg().map(x => +x.toFixed(2)), db: process.env.EDOC_TEST_DB ?? 'sqlite', variants: rows }, null, 2));
