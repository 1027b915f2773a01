/**
 * `npm run bench` (hostile input through the REAL intake, docs/hostile-input.md §Benchmark): the
 * bombs of bench/hostile/bombs.ts (built here), HOSTILE_MUTANTS (default 300) mutants of the
 * test fixtures (test/helpers/mutate-mail.ts, seed HOSTILE_SEED) and HOSTILE_GOOD (default 20)
 * good document mails are injected over SMTP into the local Postfix + Dovecot; then a fresh process
 * (`intake`, so the kernel's peak RSS is the intake's alone, worker threads included) runs intake
 * cycles as deployed (prepare workers under their budget) until the inbox holds nothing unfinished.
 * Reports: mails delivered (counted in the inbox), mails accounted for (moved to Processed or
 * Quarantine, or finished and left in the inbox), the longest time one mail held the mailbox,
 * the outcomes and the peak RSS. Numbers, not assertions; exits 1 when a delivered mail is not
 * accounted for.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { runIntakeCycle } from '../src/inbound/pipeline.js';
import { documentMail, documentPdf } from '../test/helpers/documents.js';
import { countMessages, mailServer, resetMailboxes, waitForMessages } from '../test/helpers/mailserver.js';
import { emlCorpus, mulberry32, mutateMail } from '../test/helpers/mutate-mail.js';
import { AGENCIES, openWorld } from '../test/helpers/world.js';
import { hostileInputs } from './hostile/bombs.js';

const MUTANTS = Number(process.env.HOSTILE_MUTANTS ?? 300);
const GOOD = Number(process.env.HOSTILE_GOOD ?? 20);
const SEED = Number(process.env.HOSTILE_SEED ?? 20261202);
const MAX_CYCLES = 8;
const SOYTE = AGENCIES.soyte.email;
const UBND = AGENCIES.ubnd.email;

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** Inject every input as it is (raw); returns how many the SMTP server accepted. */
async function inject(): Promise<{ accepted: number; refused: number; bombs: number; mutants: number; good: number }> {
  const srv = mailServer();
  const transport = nodemailer.createTransport({ host: srv.smtpHost, port: srv.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 3 });
  let accepted = 0;
  let refused = 0;
  const send = async (raw: Buffer): Promise<void> => {
    try {
      await transport.sendMail({ envelope: { from: UBND, to: [SOYTE] }, raw });
      accepted++;
    } catch {
      refused++; // a mutant Postfix will not take (a bare NUL, an over-long line): never delivered
    }
  };
  const bombs = hostileInputs(() => documentPdf());
  for (const [i, b] of bombs.entries()) await send(Buffer.from((await b.build()).toString('latin1').replace('<hostile-1@', `<hostile-${i + 1}@`), 'latin1'));
  const corpus = emlCorpus();
  const rand = mulberry32(SEED);
  const raws = corpus.map(c => c.raw);
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < MUTANTS; i++) sends.push(send(mutateMail(corpus[Math.floor(rand() * corpus.length)]!.raw, rand, raws).bytes));
  for (let i = 0; i < GOOD; i++) {
    const numberNotation = `${i + 1}/UBND-VP`;
    sends.push(send(await documentMail({ from: UBND, to: SOYTE, numberNotation, messageId: `<good-${i + 1}@ubnd.vinhlong.test>`, pdf: await documentPdf({ numberNotation }) })));
  }
  await Promise.all(sends);
  transport.close();
  return { accepted, refused, bombs: bombs.length, mutants: MUTANTS, good: GOOD };
}

const mode = process.argv[2] ?? 'run';
if (mode === 'intake') {
  const w = await openWorld(['soyte'], { server: true });
  const started = Date.now();
  let longest = { ms: 0, what: '' };
  let cycles = 0;
  const outcomes: Record<string, number> = {};
  try {
    for (; cycles < MAX_CYCLES; ) {
      cycles++;
      const r = await runIntakeCycle(w.app, w.agency('soyte'));
      if (r.longestMailMs > longest.ms) {
        const p = r.processed.find(x => x.uid === r.longestMailUid);
        const row = p ? await w.app.db('received_mails').where({ id: p.received }).first('raw_size', 'subject') : undefined;
        longest = { ms: r.longestMailMs, what: p ? `${p.outcome} ${p.outcome === 'quarantined' ? '' : (p.kind ?? '')} ${Math.round(Number(row?.raw_size ?? 0) / 1024)} KB` : `uid ${r.longestMailUid}` };
      }
      for (const p of r.processed) if (p.outcome !== 'quarantined') outcomes[p.outcome] = (outcomes[p.outcome] ?? 0) + 1;
      outcomes.duplicate = (outcomes.duplicate ?? 0) + r.duplicates;
      if (r.failed.length) outcomes['failed (retried)'] = (outcomes['failed (retried)'] ?? 0) + r.failed.length;
      const open = await w.app.db('received_mails').whereIn('state', ['stored', 'failed', 'held']).count('* as n');
      if (r.processed.length === 0 && r.failed.length === 0 && Number(open[0]!.n) === 0) break;
    }
    for (const q of await w.app.db('quarantine').groupBy('reason_code').select('reason_code').count('* as n')) outcomes[`quarantined ${q.reason_code}`] = Number(q.n);
    const leftFinished = await w.app.db('received_mails').where({ state: 'done', target_folder: w.agency('soyte').folders.inbox }).count('* as n');
    console.log(JSON.stringify({ cycles, seconds: Math.round((Date.now() - started) / 100) / 10, longestMailMs: longest.ms, longestMail: longest.what.replace(/\s+/g, ' '), outcomes, finishedInInbox: Number(leftFinished[0]!.n), peakRssMb: vmHwmMb() }));
  } finally {
    await w.close();
  }
} else {
  await resetMailboxes();
  const injected = await inject();
  const delivered = await waitForMessages(SOYTE, injected.accepted, 300_000);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'hostile-intake-bench.ts'), 'intake'], { encoding: 'utf8', maxBuffer: 1 << 22, env: { ...process.env, EDOC_BRIDGE_LOG_LEVEL: 'silent' } });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  let run: { cycles: number; seconds: number; longestMailMs: number; longestMail: string; outcomes: Record<string, number>; finishedInInbox: number; peakRssMb: number };
  try {
    run = JSON.parse(last);
  } catch {
    console.error(`intake process exited ${child.status ?? child.signal}:\n${child.stderr.slice(-4000)}`);
    process.exit(1);
  }
  const [processed, quarantine, inbox] = [await countMessages(SOYTE, 'Processed'), await countMessages(SOYTE, 'Quarantine'), await countMessages(SOYTE, 'INBOX')];
  const accounted = processed + quarantine + run.finishedInInbox;
  const summary = { bench: 'hostile-intake', ...injected, delivered, accounted, processedFolder: processed, quarantineFolder: quarantine, leftInInbox: inbox, ...run };
  console.log(JSON.stringify(summary));
  console.log(`hostile mail through the real intake (${injected.bombs} bombs, ${MUTANTS} mutants, ${GOOD} good; seed ${SEED}):`);
  console.log(`  delivered ${delivered}, accounted for ${accounted} (Processed ${processed}, Quarantine ${quarantine}, finished in the inbox ${run.finishedInInbox}); ${injected.refused} refused by Postfix`);
  console.log(`  ${run.cycles} cycle(s), ${run.seconds} s; longest one mail held the mailbox: ${run.longestMailMs} ms (${run.longestMail}); peak RSS ${run.peakRssMb} MB`);
  console.log(`  outcomes: ${Object.entries(run.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (accounted !== delivered) process.exit(1);
}
