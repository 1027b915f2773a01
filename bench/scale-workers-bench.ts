/**
 * `npm run bench` (scale part, docs/operations.md §Workers): one `start` worker against two on
 * PostgreSQL (the cluster of scripts/postgres.sh, a fresh database each run), N mailboxes on the
 * benchmark's Dovecot (its limits raised, as for the service part of bench/scale-bench.ts).
 *   one      one worker; once its mailboxes listen, 2 mails per mailbox injected as fast as SMTP
 *            takes them: intake throughput (mails / (last commit − first acceptance)).
 *   two      the same with two workers, after they have divided the mailboxes.
 *   takeover the two still running, 2 more mails per mailbox injected; once a quarter is in, the
 *            worker owning most is killed with SIGKILL: the time until the survivor owns every
 *            mailbox and until every mail is committed, and the register counted (each mail
 *            registered once, arrival numbers gapless per agency).
 * SCALE_WORKER_MAILBOXES (default 100) is N. Prints a JSON summary; numbers, not assertions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { migrate, openDb, type Db } from '../src/db/connect.js';
import { mailServer, resetMailboxes } from '../test/helpers/mailserver.js';
import { createPgDatabase } from '../test/helpers/pg.js';
import { startServiceProcess, type ServiceProcess } from '../test/helpers/service-process.js';
import { inject, scaleConfig, scaleMails, sleep } from './scale-bench.js';

const N = Number(process.env.SCALE_WORKER_MAILBOXES ?? 100);

const count = async (db: Db, q: (db: Db) => Promise<Array<{ n: unknown }>>) => Number((await q(db))[0]!.n);
const committed = (db: Db) => count(db, d => d('received_mails').whereNotNull('processed_at').count('* as n') as never);

/** Mails/s from the first SMTP acceptance to the last commit, once `total` mails are committed. */
async function throughput(db: Db, accepted: Map<string, number>, total: number, ms: number) {
  for (const until = Date.now() + ms; Date.now() < until && (await committed(db)) < total; ) await sleep(250);
  const rows: Array<{ processed_at: string | null }> = await db('received_mails').whereNotNull('processed_at').select('processed_at');
  const first = Math.min(...accepted.values());
  const last = Math.max(...rows.map(r => new Date(r.processed_at!).getTime()));
  return { mails: total, committed: rows.length, seconds: +((last - first) / 1000).toFixed(1), mailsPerSecond: +((rows.length / (last - first)) * 1000).toFixed(1) };
}

/** Owners of the hosted mailboxes now: owner id → count. */
async function owners(db: Db): Promise<Map<string, number>> {
  const rows: Array<{ owner: string | null; n: unknown }> = await db('mailbox_owners').whereNotNull('owner').groupBy('owner').select('owner').count('* as n');
  return new Map(rows.map(r => [r.owner!, Number(r.n)]));
}

async function withWorkers(dir: string, name: string, k: number, body: (env: NodeJS.ProcessEnv, db: Db, workers: ServiceProcess[]) => Promise<unknown>) {
  const pg = await createPgDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env, ...({} as NodeJS.ProcessEnv) };
  const config = scaleConfig(N, env, { client: 'pg', connection: pg.url }, path.join(dir, name), { connections: { imapPerHost: N + 20 } });
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, stringify(config));
  env.EDOC_BRIDGE_CONFIG = file;
  const db = openDb({ client: 'pg', connection: pg.url } as never);
  await migrate(db);
  const workers: ServiceProcess[] = [];
  try {
    await resetMailboxes();
    for (let i = 0; i < k; i++) workers.push(startServiceProcess(env));
    for (const w of workers) await w.waitFor(l => l.event === 'SERVICE_START', 120_000);
    // Settled: the mailboxes divided (each its share), every one listening, the start cycles over.
    for (const until = Date.now() + 180_000; Date.now() < until; await sleep(500)) {
      const own = await owners(db);
      const idle = workers.reduce((n, w) => n + w.lines.filter(l => l.event === 'IDLE_START').length, 0);
      if (own.size === k && [...own.values()].every(c => c >= Math.floor(N / k)) && idle >= N) break;
    }
    await sleep(3_000);
    return await body(env, db, workers);
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map(w => (w.child.exitCode === null && w.child.signalCode === null ? new Promise(r => w.child.once('exit', r)) : undefined)));
    await db.destroy();
    await pg.drop().catch(() => undefined);
  }
}

async function main() {
  mailServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-scale-workers-'));
  const emails = Array.from({ length: N }, (_, i) => `vanthu@hop${i}.scale.test`);
  const out: Record<string, unknown> = { mailboxes: N, database: 'postgresql', load: loadavg().map(l => +l.toFixed(1)) };
  try {
    out.oneWorker = await withWorkers(dir, 'one', 1, async (_env, db) => throughput(db, await inject(await scaleMails(emails, `w1${Date.now()}`, 1), Infinity), N * 2, 600_000));
    out.twoWorkers = await withWorkers(dir, 'two', 2, async (_env, db, workers) => {
      const first = await throughput(db, await inject(await scaleMails(emails, `w2${Date.now()}`, 1), Infinity), N * 2, 600_000);
      // Takeover: more mail, and the worker owning most is killed once a quarter of it is in.
      const own = await owners(db);
      const victimId = [...own].sort((a, b) => b[1] - a[1])[0]![0];
      const victim = workers.find(w => w.lines.some(l => l.event === 'SERVICE_START' && l.worker === victimId))!;
      const batch = await scaleMails(emails, `w3${Date.now()}`, 3);
      const injected = inject(batch, Infinity);
      for (let i = 0; i < 2400 && (await committed(db)) < N * 2 + batch.length / 4; i++) await sleep(50);
      const lostMailboxes = own.get(victimId) ?? 0;
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      let takenOverMs = NaN;
      for (const until = Date.now() + 120_000; Date.now() < until; await sleep(250)) {
        const now = await owners(db);
        if (now.size === 1 && !now.has(victimId) && [...now.values()][0] === N) {
          takenOverMs = Date.now() - killedAt;
          break;
        }
      }
      await injected;
      for (const until = Date.now() + 600_000; Date.now() < until && (await committed(db)) < N * 4; ) await sleep(250);
      const allDoneMs = Date.now() - killedAt;
      const total = N * 4;
      const entries = await count(db, d => d('register_entries').count('* as n') as never);
      const distinctMails = await count(db, d => d('register_entries').countDistinct('received_mail_id as n') as never);
      const gaps: Array<{ agency_code: string; n: unknown; hi: unknown }> = await db('register_entries').groupBy('agency_code').select('agency_code').count('* as n').max('arrival_number as hi');
      return {
        ...first,
        takeover: {
          killedWorkerHeld: lostMailboxes,
          mailsInjected: batch.length,
          survivorOwnsAllMs: takenOverMs,
          allCommittedMs: allDoneMs,
          mailsTotal: total,
          committed: await committed(db),
          registerEntries: entries,
          registeredOnce: entries === distinctMails,
          arrivalNumbersGapless: gaps.every(g => Number(g.n) === Number(g.hi)),
        },
      };
    });
    const one = out.oneWorker as { mailsPerSecond: number };
    const two = out.twoWorkers as { mailsPerSecond: number };
    out.speedup = +(two.mailsPerSecond / one.mailsPerSecond).toFixed(2);
    out.loadAfter = loadavg().map(l => +l.toFixed(1));
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
