import test from 'ava';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inspectCommand } from '../../src/cli/commands/inspect.js';
import type { CliContext } from '../../src/cli/command.js';

function ctx(): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(chunk, _e, cb) { f(String(chunk)); cb(); } });
  return {
    ctx: {
      stdout: sink(s => (out += s)), stderr: sink(s => (err += s)), env: {}, cwd: process.cwd(),
      loadConfig: async () => { throw new Error('inspect must not need a config'); },
    },
    out: () => out,
    err: () => err,
  };
}
const fixture = (n: string) => fileURLToPath(new URL(`../fixtures/eml/${n}`, import.meta.url));

test('--json prints the object of docs/mail.md §The inspect JSON', async t => {
  const c = ctx();
  t.is(await inspectCommand.run(c.ctx, [fixture('doc-ours-edxml.eml'), '--json']), 0);
  const j = JSON.parse(c.out());
  t.is(j.kind, 'document');
  t.is(j.document.numberNotation, '12/QĐ-UBND');
  t.is(j.document.date, '2019-05-15');
});

test('text output: English key: value lines', async t => {
  const c = ctx();
  t.is(await inspectCommand.run(c.ctx, [fixture('dsn-postfix-5.1.1.eml')]), 0);
  t.regex(c.out(), /^kind: delivery-report$/mu);
  t.regex(c.out(), /^recipient: nohope@snv\.vinhlong\.gov\.vn failed 5\.1\.1/mu);
  t.regex(c.out(), /^auto-generated: yes/mu);
});

test('unreadable file: exit 1, one line', async t => {
  const c = ctx();
  t.is(await inspectCommand.run(c.ctx, ['/nonexistent/x.eml']), 1);
  t.is(c.err().trim().split('\n').length, 1);
});

test('bad usage: exit 2', async t => {
  for (const argv of [[], ['a.eml', 'b.eml'], ['--nope', 'a.eml']]) {
    const c = ctx();
    t.is(await inspectCommand.run(c.ctx, argv), 2, argv.join(' '));
  }
});

test('an empty file is inspected, not an error', async t => {
  const c = ctx();
  t.is(await inspectCommand.run(c.ctx, [fixture('hostile-empty.eml'), '--json']), 0);
  t.is(JSON.parse(c.out()).kind, 'unknown');
});
