import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { openApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { verifyPassword } from '../../src/web/auth/passwords.js';
import { tokenFromHeader } from '../../src/web/auth/tokens.js';
import { cli } from '../helpers/capture.js';

const HOSTED = { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test' };

async function setup() {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-users-'));
  const mail = { host: '127.0.0.1', port: 993, user: HOSTED.email, passwordEnv: 'SOYTE_PASS' };
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, stringify({ instance: { domain: 'edoc.vinhlong.test' }, storage: { database: { filename: path.join(dir, 'db.sqlite') }, blobs: 'blobs' }, agencies: [{ ...HOSTED, imap: mail, smtp: mail }] }));
  const env = { SOYTE_PASS: 'x', EDOC_BRIDGE_CONFIG: file, NEW_PASSWORD: 'mật-khẩu-mới-của-tôi', EDOC_BRIDGE_LOG_LEVEL: 'silent' };
  const open = async () => openApp(await loadConfig(file, { env }), { env });
  return { env, open };
}

test('users add|list|passwd|disable: roles, agencies, generated or given passwords, audited', async t => {
  const { env, open } = await setup();
  const added = await cli(['users', 'add', 'quantri', '--role', 'operator', '--display-name', 'Quản trị', '--json'], env);
  t.is(added.code, 0, added.stderr);
  const { password } = JSON.parse(added.stdout) as { password: string };
  t.true(password.length >= 12, 'a generated password is printed once');
  t.is((await cli(['users', 'add', 'vanthu', '--role', 'clerk', '--agency', HOSTED.code, '--password-env', 'NEW_PASSWORD'], env)).code, 0);
  for (const [args, why] of [
    [['users', 'add', 'x1x', '--role', 'clerk'], 'a clerk needs an agency'],
    [['users', 'add', 'x2x', '--role', 'clerk', '--agency', '000.00.99.H62'], 'not a hosted agency'],
    [['users', 'add', 'x3x', '--role', 'operator', '--agency', HOSTED.code], 'an operator has no agency'],
    [['users', 'add', 'x4x', '--role', 'chief'], 'no such role'],
    [['users', 'add', 'vanthu', '--role', 'viewer', '--agency', HOSTED.code], 'name taken'],
  ] as const) {
    const r = await cli([...args], env);
    t.not(r.code, 0, why);
  }
  const list = JSON.parse((await cli(['users', 'list', '--json'], env)).stdout) as Array<{ username: string; role: string; agencies: string[] }>;
  t.deepEqual(list.map(u => [u.username, u.role, u.agencies]), [['quantri', 'operator', []], ['vanthu', 'clerk', [HOSTED.code]]]);
  const passwd = await cli(['users', 'passwd', 'vanthu'], env);
  t.regex(passwd.stdout, /password of vanthu changed: \S+/);
  t.is((await cli(['users', 'disable', 'quantri'], env)).code, 1, 'the last operator stays');
  t.is((await cli(['users', 'disable', 'vanthu'], env)).code, 0);
  const app = await open();
  try {
    const rows = await app.db('accounts').orderBy('id');
    t.true(await verifyPassword(password, rows[0].password_hash));
    t.false(await verifyPassword(password, rows[1].password_hash));
    t.truthy(rows[1].disabled_at);
    const events = (await app.db('events').whereIn('event', ['ACCOUNT_CREATED', 'ACCOUNT_PASSWORD_CHANGED', 'ACCOUNT_DISABLED']).orderBy('id')).map((e: { event: string; data: string }) => [e.event, JSON.parse(e.data).actor]);
    t.deepEqual(events.map(e => e[0]), ['ACCOUNT_CREATED', 'ACCOUNT_CREATED', 'ACCOUNT_PASSWORD_CHANGED', 'ACCOUNT_DISABLED']);
    t.true(events.every(e => /^CLI/.test(String(e[1]))));
  } finally {
    await app.close();
  }
});

test('tokens create|list|revoke: shown once, stored hashed, revoked at once', async t => {
  const { env, open } = await setup();
  const created = await cli(['tokens', 'create', '--agency', HOSTED.code, '--name', 'QLVB', '--json'], env);
  t.is(created.code, 0, created.stderr);
  const { id, token } = JSON.parse(created.stdout) as { id: number; token: string };
  t.regex(token, /^edoc_[\w-]{43}$/);
  t.is((await cli(['tokens', 'create', '--agency', '000.00.99.H62', '--name', 'x'], env)).code, 2);
  const listed = await cli(['tokens', 'list'], env);
  t.regex(listed.stdout, new RegExp(`^${id}\\t${HOSTED.code.replace(/\./g, '\\.')}\\t${token.slice(0, 12)}…\\tactive\\tQLVB$`, 'm'));
  t.false(listed.stdout.includes(token), 'never the token itself');
  let app = await open();
  try {
    t.is((await tokenFromHeader(app.db, `Bearer ${token}`, new Date()))?.id, id);
  } finally {
    await app.close();
  }
  t.is((await cli(['tokens', 'revoke', String(id)], env)).code, 0);
  t.is((await cli(['tokens', 'revoke', String(id)], env)).code, 1, 'already revoked');
  app = await open();
  try {
    t.is(await tokenFromHeader(app.db, `Bearer ${token}`, new Date()), undefined);
  } finally {
    await app.close();
  }
});
