/**
 * Hostile text in every field a sender controls — the mail's subject, its sender's name, file
 * names, the edXML envelope (issuer, type, summary, signer, number and notation), the mail text —
 * goes through the real intake (parse, classify, metadata, register / quarantine / orphan) and is
 * then shown on every page that shows it, in Chromium. None of it may run: no script, no handler,
 * no dialog; and each field must be visible as text (so a field that was left out would fail).
 */
import anyTest, { type TestFn } from 'ava';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { recordReceived } from '../../src/db/received.js';
import { buildEnvelope } from '../../src/edxml/envelope.js';
import { processReceived } from '../../src/inbound/process.js';
import { A, pdf } from '../helpers/world.js';
import { compose } from '../mail/helpers.js';
import { browserTest, launch, requireChromium, SCREENSHOT_DIR, shot, type Browser } from '../helpers/browser.js';
import { openWebWorld, PASSWORD, USERS, type WebWorld } from '../helpers/web.js';
import { addOrphan } from '../helpers/web-data.js';

const test = browserTest(anyTest as TestFn<{ w?: WebWorld; b?: Browser }>);
test.afterEach.always(async t => {
  await t.context.b?.close();
  await t.context.w?.close();
});

/** Each payload marks `window.__xss` if it ever runs; its label shows where it was put. */
const P = (where: string) => `<img src=x onerror="window.__xss=(window.__xss||[]).concat('${where}')"><script>window.__xss=(window.__xss||[]).concat('${where}')</script>"'><svg onload="window.__xss=1">${where}`;

async function intake(w: WebWorld, raw: Buffer): Promise<void> {
  const { row } = await recordReceived(w.app.db, { agencyCode: A.code, messageKey: 'sha256:' + createHash('sha256').update(raw).digest('hex'), messageId: null, rawSha256: (await w.app.ports.blobs.put(raw)).sha256, rawSize: raw.length, uidvalidity: null, uid: null }, w.clock.now());
  await processReceived(w.app, w.app.config.agencies.find(a => a.code === A.code)!, row);
}

test('XSS payloads in every sender-controlled field stay inert text on every page, in Chromium', async t => {
  if (!requireChromium(t)) return;
  const w = (t.context.w = await openWebWorld());
  const file = await pdf('Số: 12/QĐ-UBND');
  const envelope = buildEnvelope({
    from: { organId: '000.00.77.H62', organName: P('issuer'), email: 'vanthu@la.example.test' },
    to: [{ organId: A.code, organName: A.name, email: A.email }],
    codeNumber: '12',
    codeNotation: 'QĐ-UBND',
    promulgationDate: '2026-11-20',
    typeName: P('type'),
    subject: P('summary'),
    signer: { position: P('position'), fullName: 'Nguyễn <b>An</b>' },
    documentId: '000.00.77.H62,2026/11/20,12/QĐ-UBND',
    attachments: [{ name: `${P('filename')}.pdf`, contentType: 'application/pdf', sha256: createHash('sha256').update(file).digest('hex'), size: file.length }],
  });
  await intake(w, await compose({
    from: { name: P('sender'), address: 'vanthu@la.example.test' },
    to: A.email,
    subject: `${P('subject')} Quyết định`,
    messageId: '<hostile-1@ubnd.vinhlong.test>',
    text: P('text'),
    attachments: [{ filename: `${P('filename')}.pdf`, content: file, contentType: 'application/pdf' }, { filename: 'vanban.edxml', content: Buffer.from(envelope), contentType: 'application/xml' }],
  }));
  // A mail the gateway cannot make sense of goes to quarantine with its hostile subject, sender and text.
  await intake(w, await compose({ from: { name: P('q-sender'), address: 'la@example.test' }, to: A.email, subject: P('q-subject'), messageId: '<hostile-2@example.test>', text: P('q-text'), html: `<p>${P('q-html')}</p>` }));
  const entry = await w.app.db('register_entries').first();
  t.truthy(entry, 'the hostile document was registered');
  const quarantine = await w.app.db('quarantine').first();
  t.truthy(quarantine, 'the unreadable mail was quarantined');
  const orphan = await addOrphan(w.app, A.code, await compose({ from: { name: P('o-sender'), address: 'x@example.test' }, to: A.email, subject: P('o-subject'), messageId: '<hostile-3@example.test>', text: 'Đã nhận' }));

  const b = (t.context.b = await launch());
  const { page } = b;
  await page.goto(`${w.url}/login`);
  await page.fill('input[name=username]', USERS.operator);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(u => !u.pathname.startsWith('/login'));
  const base = `${w.url}/a/${encodeURIComponent(A.code)}`;
  const pages: Array<[string, string, string[]]> = [
    ['register', `${base}/register`, ['issuer', 'type', 'summary']],
    ['register-search', `${base}/register?q=${encodeURIComponent(P('query'))}`, []],
    ['entry', `${base}/entries/${entry.id}`, ['issuer', 'type', 'summary', 'position', 'subject']],
    ['quarantine', `${w.url}/ops/quarantine`, ['q-subject']],
    ['quarantine-item', `${w.url}/ops/quarantine/${quarantine.id}`, ['q-subject', 'q-text', 'q-sender']],
    ['reconcile', `${w.url}/ops/reconcile`, ['o-subject']],
    ['orphan', `${w.url}/ops/orphans/${orphan}`, ['o-subject']],
  ];
  const dir = path.join(SCREENSHOT_DIR, 'xss');
  for (const [name, url, fields] of pages) {
    const res = await page.goto(url);
    t.is(res?.status(), 200, name);
    const text = await page.locator('main').innerText();
    await shot(page, dir, name);
    for (const f of fields) t.true(text.includes(`<script>window.__xss=(window.__xss||[]).concat('${f}')</script>`), `${name}: the ${f} payload is shown as text`);
    t.is(await page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss), undefined, `${name}: nothing ran`);
    t.is(await page.locator('main img[src=x], main svg[onload], main script').count(), 0, `${name}: no element was made from sender text`);
    await shot(page, dir, name);
  }
  // File names are cleaned by the mail parser (no markup characters survive); what is left is shown as text.
  await page.goto(`${base}/entries/${entry.id}`);
  t.regex(await page.locator('ul.files').innerText(), /filename\.pdf/);
  // The search box gives the query back as typed, as a value, not as markup.
  await page.goto(`${base}/register?q=${encodeURIComponent(P('query'))}`);
  t.is(await page.inputValue('input[name=q]'), P('query'));
  t.is(await page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss), undefined);
  t.deepEqual(b.dialogs, []);
  t.deepEqual(b.errors, []);
  t.log(`screenshots: ${dir}`);
});
