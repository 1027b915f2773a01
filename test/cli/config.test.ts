import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../helpers/capture.js';

/** A minimal valid configuration (no server is contacted by these commands). */
function configObject(dir: string) {
  return {
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: { filename: path.join(dir, 'db.sqlite') }, blobs: 'blobs' },
    agencies: [
      {
        code: '000.00.31.H62',
        name: 'Sở Y tế tỉnh Vĩnh Long',
        email: 'vanthu@soyte.vinhlong.test',
        imap: { host: '127.0.0.1', port: 993, user: 'vanthu@soyte.vinhlong.test', passwordEnv: 'SOYTE_PASS' },
        smtp: { host: '127.0.0.1', port: 587, user: 'vanthu@soyte.vinhlong.test', passwordEnv: 'SOYTE_PASS' },
      },
    ],
  };
}

async function writeConfig(obj: unknown): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, typeof obj === 'string' ? obj : stringify(obj));
  return { file, dir };
}

test('config show prints the effective config with secrets redacted', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const { file } = await writeConfig(configObject(dir));
  const r = await cli(['config', 'show', '--json', '--config', file], { SOYTE_PASS: 's3cret-pass' });
  t.is(r.code, 0, r.stderr);
  t.false(r.stdout.includes('s3cret-pass'));
  const shown = JSON.parse(r.stdout);
  t.is(shown.agencies[0].imapPassword, '[redacted]');
  t.is(shown.agencies[0].folders.processed, 'Processed', 'defaults filled in');
  t.is(shown.storage.blobs, path.join(path.dirname(file), 'blobs'), 'paths relative to the config file');
});

test('a secret can come from a *_FILE path', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const { file } = await writeConfig(configObject(dir));
  const secretFile = path.join(dir, 'pass.txt');
  await writeFile(secretFile, 'from-a-file\n');
  const r = await cli(['config', 'show', '--json'], { EDOC_BRIDGE_CONFIG: file, SOYTE_PASS_FILE: secretFile });
  t.is(r.code, 0, r.stderr);
  t.false(r.stdout.includes('from-a-file'));
});

const BAD: Array<[string, (c: ReturnType<typeof configObject>) => unknown, RegExp]> = [
  ['a wrong port type', c => ({ ...c, agencies: [{ ...c.agencies[0], imap: { ...c.agencies[0]!.imap, port: 'imaps' } }] }), /agencies\[0\]\.imap\.port/],
  ['a bad agency code', c => ({ ...c, agencies: [{ ...c.agencies[0], code: '31-H62' }] }), /agencies\[0\]\.code: must be an agency code/],
  ['an unknown key', c => ({ ...c, instance: { ...c.instance, domian: 'x' } }), /instance: Unrecognized key/],
  ['no agencies', c => ({ ...c, agencies: [] }), /agencies: at least one hosted agency/],
  ['a missing secret', c => c, /agencies\[0\]\.imap\.passwordEnv: environment variable SOYTE_PASS/],
  ['SMTP without TLS', c => ({ ...c, agencies: [{ ...c.agencies[0], smtp: { ...c.agencies[0]!.smtp, requireTLS: false } }] }), /agencies\[0\]\.smtp\.requireTLS: with secure: false and requireTLS: false the password goes in clear.*allowCleartext: true/],
  ['plain IMAP', c => ({ ...c, agencies: [{ ...c.agencies[0], imap: { ...c.agencies[0]!.imap, secure: false, starttls: false } }] }), /agencies\[0\]\.imap\.starttls: .*allowCleartext: true/],
];

for (const [what, mutate, message] of BAD) {
  test(`bad configuration (${what}) exits 2 naming the key`, async t => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
    const { file } = await writeConfig(mutate(configObject(dir)));
    const env = what === 'a missing secret' ? {} : { SOYTE_PASS: 'x' };
    const r = await cli(['config', 'show', '--config', file], env);
    t.is(r.code, 2);
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split('\n').length, 1, 'one line');
  });
}

test('unreadable YAML and a missing file exit 2', async t => {
  const { file } = await writeConfig('agencies: [unclosed');
  const bad = await cli(['config', 'show', '--config', file]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /not valid YAML/);
  const missing = await cli(['config', 'show', '--config', '/nonexistent/edoc.yaml']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /CONFIG_NOT_FOUND/);
  const none = await cli(['register', 'list']);
  t.is(none.code, 2);
  t.regex(none.stderr, /--config FILE or set EDOC_BRIDGE_CONFIG/);
});

test('bad usage exits 2; help exits 0', async t => {
  t.is((await cli(['no-such-command'])).code, 2);
  t.is((await cli(['register', 'list', '--bogus'])).code, 2);
  t.is((await cli(['run'], {})).code, 2);
  const help = await cli(['help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /register list/);
  t.regex(help.stdout, /quarantine retry/);
});

test('register list and quarantine list on a fresh database', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const { file } = await writeConfig(configObject(dir));
  const env = { SOYTE_PASS: 'x', EDOC_BRIDGE_CONFIG: file };
  const list = await cli(['register', 'list', '--json'], env);
  t.is(list.code, 0, list.stderr);
  t.deepEqual(JSON.parse(list.stdout), []);
  const csv = await cli(['register', 'list', '--csv'], env);
  t.regex(csv.stdout, /^\ufeffCơ quan,Năm,Ngày đến,Số đến,Tác giả/);
  const q = await cli(['quarantine', 'list'], env);
  t.is(q.code, 0);
  t.regex(q.stdout, /quarantine is empty/);
  const show = await cli(['register', 'show', '99'], env);
  t.is(show.code, 1);
  t.regex(show.stderr, /NOT_FOUND: no register entry 99/);
});

test('a start that fails after opening the database exits at once (the pool is closed)', async t => {
  const { runCli } = await import('../helpers/cli.js');
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const { file } = await writeConfig({ ...configObject(dir), trust: { anchors: ['missing-root.pem'] } });
  // A process that hangs on the open pool is killed at the timeout and has no exit code: the
  // assertion on the code catches it (the timeout is generous: no claim on speed is made here).
  const r = await runCli(['register', 'list', '--config', file], { ...process.env, SOYTE_PASS: 'x' }, { timeoutMs: 100_000 });
  t.is(r.signal, null, 'not killed: it exited by itself');
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /trust\.anchors: cannot read .*missing-root\.pem/);
});

test('cleartext is allowed only when asked for, and every start warns about it', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-cli-'));
  const c = configObject(dir);
  const agency = { ...c.agencies[0]!, imap: { ...c.agencies[0]!.imap, secure: false, starttls: false, allowCleartext: true }, smtp: { ...c.agencies[0]!.smtp, requireTLS: false, allowCleartext: true } };
  const { file } = await writeConfig({ ...c, agencies: [agency] });
  const { runCli } = await import('../helpers/cli.js');
  const r = await runCli(['register', 'list', '--json', '--config', file], { ...process.env, SOYTE_PASS: 'x', EDOC_BRIDGE_LOG_LEVEL: 'warn' });
  t.is(r.code, 0, r.stderr);
  const warned = r.stderr.split('\n').filter(l => l.includes('MAIL_CLEARTEXT'));
  t.is(warned.length, 2, r.stderr);
  t.true(warned.some(l => l.includes('"imap"')) && warned.some(l => l.includes('"smtp"')));
  // The TLS defaults need no such key and say nothing.
  const { file: tlsFile } = await writeConfig(configObject(dir));
  const quiet = await runCli(['register', 'list', '--json', '--config', tlsFile], { ...process.env, SOYTE_PASS: 'x', EDOC_BRIDGE_LOG_LEVEL: 'warn' });
  t.is(quiet.code, 0, quiet.stderr);
  t.false(quiet.stderr.includes('MAIL_CLEARTEXT'));
});
