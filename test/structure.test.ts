/**
 * The code keeps its shape (docs/architecture.md §Rules the tests keep): SQL only in src/db/,
 * transactions that do database work only, no import cycle between src/ folders or files. Each
 * check first proves on fixtures that it can fail, then runs on the real tree.
 */
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCycles, portsInTransactions, queryViolations, readTree, type SourceFiles } from './helpers/structure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where raw knex is still allowed outside src/db/, and why: nowhere (the old src/http/ dashboard
 * was its last entry; the web app in src/web/ queries through db/). Never to be grown.
 */
const QUERY_ALLOW_LIST: string[] = [];

const tree = readTree(ROOT);
const files = (entries: Record<string, string>): SourceFiles => new Map(Object.entries(entries));

// --- fixtures: each must be flagged (or, for the last rows, must not be) ---

const queryFixtures: Array<[string, string, boolean]> = [
  ['calling the Db', "export const f = (db: Db) => db('outbox').where({ id: 1 });", true],
  ['calling a transaction', "export const f = (trx: Db) => trx('status_history').insert({});", true],
  ['calling app.db', "export const f = (app: App) => app.db('register_entries').first();", true],
  ['calling deps.db', 'export const f = (deps: Deps) => deps.db(table).count();', true],
  ['raw SQL', "export const f = (app: App) => app.db.raw('select 1');", true],
  ['a transaction of its own', 'export const f = (db: Db) => db.transaction(async t => t);', true],
  ['importing knex', "import knexFactory from 'knex';", true],
  ['importing a knex type', "import type { Knex } from 'knex';", true],
  ['passing the Db to a db/ function', 'export const f = (db: Db) => getEntry(db, 1);', false],
  ['a method that only looks alike', "export const f = (o: { dbx(s: string): void }) => o.dbx('a');", false],
];
for (const [title, code, flagged] of queryFixtures) {
  test(`query check ${flagged ? 'flags' : 'allows'}: ${title}`, t => {
    const v = queryViolations(files({ 'src/inbound/x.ts': code }));
    t.is(v.length > 0, flagged, v.join('\n'));
  });
}

test('query check: the same code inside src/db/ or an allow-listed folder is allowed', t => {
  const code = "export const f = (db: Db) => db('outbox').where({ id: 1 });";
  t.deepEqual(queryViolations(files({ 'src/db/x.ts': code, 'src/http/y.ts': code }), ['src/http/']), []);
  t.is(queryViolations(files({ 'src/http/y.ts': code })).length, 1);
});

const transactionFixtures: Array<[string, string, boolean]> = [
  ['a blob write', 'await inTransaction(db, async trx => { await deps.ports.blobs.put(b); });', true],
  ['a port', 'await inTransaction(db, async trx => { deps.ports.fetch(url); });', true],
  ['sealing', 'await inTransaction(db, async trx => { await deps.sealer.seal(pdf, key, stamp, r); });', true],
  ['rendering a template', "await inTransaction(db, async trx => { await render('status', {}); });", true],
  ['the blob store by another name', 'await inTransaction(db, async trx => { await blobs.put(b); });', true],
  ['database work only', 'await inTransaction(db, async trx => { await enqueue(trx, answer.mail(), now); });', false],
  ['the same call outside the transaction', 'await deps.ports.blobs.put(b); await inTransaction(db, async trx => enqueue(trx, m, now));', false],
];
for (const [title, code, flagged] of transactionFixtures) {
  test(`transaction check ${flagged ? 'flags' : 'allows'}: ${title}`, t => {
    const v = portsInTransactions(files({ 'src/inbound/x.ts': `export async function f() { ${code} }` }));
    t.is(v.length > 0, flagged, v.join('\n'));
  });
}

const cycleFixtures: Array<[string, Record<string, string>, { units: number; files: number }]> = [
  ['two folders importing each other', { 'src/inbound/a.ts': "import { b } from '../outbound/b.js';", 'src/outbound/b.ts': "import { a } from '../inbound/a.js';" }, { units: 1, files: 1 }],
  [
    'a folder cycle through different files (no file cycle)',
    { 'src/inbound/a.ts': "import { b } from '../outbound/b.js';", 'src/outbound/c.ts': "import { d } from '../inbound/d.js';", 'src/outbound/b.ts': '', 'src/inbound/d.ts': '' },
    { units: 1, files: 0 },
  ],
  ['a type-only import counts', { 'src/reconcile/a.ts': "import type { App } from '../app.js';", 'src/app.ts': "import { a } from './reconcile/a.js';" }, { units: 1, files: 1 }],
  ['a dynamic import counts', { 'src/cli/a.ts': "const m = await import('../service.js');", 'src/service.ts': "import { a } from './cli/a.js';" }, { units: 1, files: 1 }],
  ['a re-export counts', { 'src/mail/a.ts': "export * from '../edxml/b.js';", 'src/edxml/b.ts': "export { a } from '../mail/a.js';" }, { units: 1, files: 1 }],
  ['files of one folder importing each other', { 'src/db/a.ts': "import { b } from './b.js';", 'src/db/b.ts': "import { a } from './a.js';" }, { units: 0, files: 1 }],
  ['layers pointing one way', { 'src/inbound/a.ts': "import { b } from '../db/b.js';", 'src/db/b.ts': "import { c } from '../domain/c.js';", 'src/domain/c.ts': '' }, { units: 0, files: 0 }],
];
for (const [title, entries, expected] of cycleFixtures) {
  test(`cycle check: ${title}`, t => {
    const c = importCycles(files(entries));
    t.deepEqual({ units: c.units.length, files: c.files.length }, expected, JSON.stringify(c));
  });
}

// --- the real tree ---

test('the tree is read (the checks below look at something)', t => {
  t.true(tree.size > 100);
  t.true(tree.has('src/db/transaction.ts'));
  t.true(tree.has('src/cycle.ts'));
});

test('no knex query outside src/db/ (except the allow-list)', t => {
  t.deepEqual(queryViolations(tree, QUERY_ALLOW_LIST), []);
});

test('transactions do database work only', t => {
  t.deepEqual(portsInTransactions(tree), []);
});

test('no import cycle between src/ folders', t => {
  t.deepEqual(importCycles(tree).units, []);
});

test('no import cycle between src/ files', t => {
  t.deepEqual(importCycles(tree).files, []);
});
