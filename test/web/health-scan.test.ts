/**
 * The scanner on the operator's health page and in /metrics (docs/hostile-input.md §Scanning):
 * whether clamd answers, and the documents held in the inbox while it does not.
 */
import anyTest, { type TestFn } from 'ava';
import { holdReceived, reopenQuarantined } from '../../src/db/received.js';
import { FakeScanner } from '../helpers/fake-scanner.js';
import { addQuarantined } from '../helpers/web-data.js';
import { A } from '../helpers/world.js';
import { openWebWorld, USERS, WebClient, type WebWorld } from '../helpers/web.js';

const test = anyTest as TestFn<{ w: WebWorld }>;
test.beforeEach(async t => {
  t.context.w = await openWebWorld();
});
test.afterEach.always(async t => t.context.w?.close());

test('scanner down: the health page and /metrics say so, and the page counts the documents held', async t => {
  const { w } = t.context;
  const scanner = new FakeScanner();
  scanner.down = true;
  w.app.ports.scanner = scanner;
  Object.assign(w.app.config.scan, { mode: 'quarantine', socket: '/nonexistent/clamd.sock' });
  const q = await addQuarantined(w.app, A.code);
  const received = (await w.app.db('quarantine').where({ id: q }).first()).received_mail_id;
  t.true(await reopenQuarantined(w.app.db, received));
  await holdReceived(w.app.db, received, 'SCANNER_UNAVAILABLE: clamd unreachable');

  const op = new WebClient(w.url);
  await op.login(USERS.operator);
  let health = (await op.get('/ops/health')).text;
  t.regex(health, /Trình quét \(clamd\): <strong>không kết nối được<\/strong>/);
  t.regex(health, new RegExp(`<td>${A.code.replace(/\./g, '\\.')}</td><td class="num">1</td>`));
  let metrics = await (await fetch(`${w.url}/metrics`)).text();
  t.regex(metrics, /^edoc_scanner_up 0$/m);
  t.regex(metrics, /edoc_received_mails\{state="held"\} 1/);

  scanner.down = false;
  health = (await op.get('/ops/health')).text;
  t.regex(health, /<strong>đang hoạt động<\/strong>/);
  metrics = await (await fetch(`${w.url}/metrics`)).text();
  t.regex(metrics, /^edoc_scanner_up 1$/m);
});

test('scanning off: no scanner gauge, and the page says scanning is not configured', async t => {
  const { w } = t.context;
  const op = new WebClient(w.url);
  await op.login(USERS.operator);
  t.regex((await op.get('/ops/health')).text, /Chưa bật quét mã độc/);
  t.notRegex(await (await fetch(`${w.url}/metrics`)).text(), /edoc_scanner_up/);
});
