/**
 * Gapless, unique numbers with several writers on PostgreSQL (docs/operations.md §PostgreSQL):
 * four real processes submit and register at once. The same four processes numbering max()+1
 * instead of by the counter row, with the same window inside the transaction, collide: the test
 * shows it would catch that scheme.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDb } from '../../src/db/connect.js';
import { createPgDatabase } from '../helpers/pg.js';
import { A } from '../helpers/world.js';

const WORKER = fileURLToPath(new URL('../helpers/number-worker.ts', import.meta.url));
type Out = { incoming: number[]; outgoing: number[]; errors: string[] };

function runWorker(url: string, mode: string, count: number, go: string): Promise<Out> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, mode, String(count), go], { env: { ...process.env, EDOC_BRIDGE_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`worker exited ${code}: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(line) as Out);
    });
  });
}

/** Four processes of `mode` on one fresh database, started together; their outputs and the rows. */
async function fourProcesses(mode: string, count: number) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-numbers-'));
  const pg = await createPgDatabase();
  const db = openDb({ client: 'pg', connection: pg.url });
  try {
    await migrate(db);
    const go = path.join(dir, 'go');
    const running = [1, 2, 3, 4].map(() => runWorker(pg.url, mode, count, go));
    // Let the processes open their Apps, then release them at once.
    await new Promise(r => setTimeout(r, 4000));
    await writeFile(go, '');
    const outs = await Promise.all(running);
    const incoming = (await db('register_entries').where({ agency_code: A.code }).select('arrival_number')).map(r => Number(r.arrival_number));
    const outgoing = (await db('outgoing_documents').where({ agency_code: A.code }).select('number')).map(r => Number(r.number));
    return { outs, incoming, outgoing };
  } finally {
    await db.destroy();
    await pg.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('four processes submitting and registering at once: outgoing and arrival numbers gapless and unique', async t => {
  const per = 4;
  const { outs, incoming, outgoing } = await fourProcesses('pipelines', per);
  t.deepEqual(outs.flatMap(o => o.errors), []);
  t.deepEqual(sorted(outs.flatMap(o => o.outgoing)), oneTo(4 * per), 'each process got distinct outgoing numbers');
  t.deepEqual(sorted(outs.flatMap(o => o.incoming)), oneTo(4 * per), 'each process got distinct arrival numbers');
  t.deepEqual(sorted(outgoing), oneTo(4 * per));
  t.deepEqual(sorted(incoming), oneTo(4 * per));
});

test('the counter row keeps the series gapless where max()+1 collides (same processes, same window)', async t => {
  const per = 10;
  const counter = await fourProcesses('counter', per);
  t.deepEqual(counter.outs.flatMap(o => o.errors), []);
  t.deepEqual(sorted(counter.incoming), oneTo(4 * per));

  const racy = await fourProcesses('racy', per);
  const errors = racy.outs.flatMap(o => o.errors);
  t.log(`max()+1: ${errors.length} of ${4 * per} entries failed, ${racy.incoming.length} written`);
  // The unique index (agency, year, number) turns the race into failures; without it they would be duplicates.
  t.true(errors.length > 0, 'max()+1 with four writers lost entries');
  t.true(errors.every(e => e.startsWith('23505 ')), errors.join('\n'));
  t.true(racy.incoming.length < 4 * per);
});
