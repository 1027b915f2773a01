/**
 * A clerk's and an operator's day in Chromium, against the real Postfix + Dovecot (one gateway
 * hosting Sở Y tế, UBND and Sở Tài chính; the pipeline cycles between the steps):
 *   1. UBND sends a sealed Quyết định to Sở Y tế; Sở Y tế's clerk logs in, finds it by an
 *      unaccented search, opens it, sees the PDF and the signature panel, marks it done — and
 *      UBND's gateway receives the 06 through the mail servers;
 *   2. the clerk composes a document to UBND and Sở Tài chính and watches both reach 03;
 *   3. the operator releases a quarantined mail and attaches an orphan status packet to a recipient.
 * A screenshot of each page goes to var/screenshots/journey (printed at the end).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStatus } from '../../src/edxml/status.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { addUser } from '../../src/web/auth/accounts.js';
import { startWebServer, type WebHandle } from '../../src/web/server.js';
import { browserTest, launch, requireChromium, SCREENSHOT_DIR, shot, type Browser } from '../helpers/browser.js';
import { documentPdf, injectRaw } from '../helpers/documents.js';
import { cycleUntil, integrationTest } from '../helpers/integration.js';
import { requireMailServer } from '../helpers/mailserver.js';
import { pki } from '../helpers/pki.js';
import { p12Of } from '../helpers/pki-p12.js';
import { compose } from '../mail/helpers.js';
import { AGENCIES, openWorld, type World } from '../helpers/world.js';

const test = browserTest(await integrationTest());
const PASSWORD = 'mật-khẩu-văn-thư-1';
const DIR = path.join(SCREENSHOT_DIR, 'journey');
const { soyte, ubnd, stc } = AGENCIES;

test.serial('a clerk and an operator through the day in Chromium, with the real mail servers', async t => {
  if (!(await requireMailServer(t)) || !requireChromium(t)) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-journey-'));
  const p = pki();
  await writeFile(path.join(dir, 'agency.p12'), p12Of(p.agency, [p.inter, p.root], 'p12-thu'));
  await writeFile(path.join(dir, 'root-ca.pem'), p.root.pem);
  process.env.JOURNEY_P12_PASSWORD = 'p12-thu';
  const certificate = { p12File: path.join(dir, 'agency.p12'), passwordEnv: 'JOURNEY_P12_PASSWORD' };
  const ta: World = (t.context.t = await openWorld(['soyte', 'ubnd', 'stc'], {
    server: true,
    dir,
    overrides: { trust: { anchors: [path.join(dir, 'root-ca.pem')], revocation: 'soft' } },
    agency: { soyte: { certificate }, ubnd: { certificate }, stc: { certificate } },
  }));
  const { app } = ta;
  Object.assign(app.config.http, { host: '127.0.0.1', port: 0, rateLimitPerMinute: 100_000 });
  await addUser(app.db, app.config, { username: 'vanthu.syt', displayName: 'Trần Thị Văn Thư', role: 'clerk', agencies: [soyte.code], password: PASSWORD }, app.ports.clock.now());
  await addUser(app.db, app.config, { username: 'quantri', displayName: 'Quản trị tỉnh', role: 'operator', agencies: [], password: PASSWORD }, app.ports.clock.now());
  let web: WebHandle | undefined;
  let b: Browser | undefined;
  try {
    web = await startWebServer(app);
    b = await launch();
    const { page } = b;
    const base = `${web.url}/a/${encodeURIComponent(soyte.code)}`;
    const status = async (address: string, documentId: number) => (await app.db('outgoing_recipients').where({ document_id: documentId, address }).first('status'))?.status as string | undefined;

    // 1. UBND's decision reaches Sở Y tế's register (sealed, verified, registered, 03 back to UBND).
    const sent = await submitDocument(app, {
      agencyCode: ubnd.code,
      to: [soyte.code],
      files: [{ name: 'du-thao.pdf', content: await documentPdf({ issuerLines: ['ỦY BAN NHÂN DÂN', 'TỈNH VĨNH LONG'], numberNotation: '     /QĐ-UBND', type: 'QUYẾT ĐỊNH', summary: 'Về việc ban hành Quy chế gửi, nhận văn bản điện tử' }), role: 'main' }],
      meta: parseSubmissionMeta({ type: 'Quyết định', notation: 'QĐ-UBND', summary: 'Về việc ban hành Quy chế gửi, nhận văn bản điện tử', signer: { position: 'PHÓ CHỦ TỊCH', name: 'Nguyễn Văn An' } }),
      source: 'cli',
    });
    await cycleUntil(ta, async () => (await status(soyte.email, sent.documentId)) === 'received', 'Sở Y tế registered and answered 03');

    await page.goto(`${web.url}/`);
    await shot(page, DIR, '01-dang-nhap');
    await page.fill('input[name=username]', 'vanthu.syt');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(`${base}/register`);
    await shot(page, DIR, '02-so-van-ban-den');
    await page.fill('input[name=q]', 'quyet dinh quy che');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/q=quyet/);
    const row = page.locator('table.register tbody tr');
    t.is(await row.count(), 1, 'the unaccented search finds the decision');
    t.regex(await row.innerText(), /Quyết định – Về việc ban hành Quy chế/);
    t.regex(await row.innerText(), /Ủy ban nhân dân tỉnh Vĩnh Long/, 'the issuing agency is the author');
    t.regex(await row.innerText(), new RegExp(ubnd.email.replace(/\./g, '\\.')), "the sender's address is shown");
    await shot(page, DIR, '03-tim-khong-dau');
    const pdf = page.waitForResponse(r => /\/entries\/\d+\/files\//.test(r.url()));
    await row.locator('a').first().click();
    const pdfResponse = await pdf;
    t.is(pdfResponse.headers()['content-type'], 'application/pdf', 'the PDF is shown in the page');
    t.regex(pdfResponse.headers()['content-disposition'] ?? '', /^inline;/);
    t.is(await page.locator('iframe.pdf').count(), 1);
    const panel = await page.locator('[data-signature-panel]').innerText();
    t.regex(panel, /Kết quả kiểm tra chữ ký số: Hợp lệ/, 'the signature panel, in Vietnamese');
    await page.waitForTimeout(1000); // let the PDF viewer draw before the screenshot
    await shot(page, DIR, '04-van-ban-den');
    await page.fill('form.steps input[name=note]', 'Đã triển khai tới các phòng');
    await page.click('button[data-step=done]');
    await page.waitForSelector('.flash');
    t.regex(await page.locator('[data-status]').innerText(), /Hoàn thành/);
    t.regex(await page.locator('ul.audit').innerText(), /Trần Thị Văn Thư \(vanthu\.syt\): Chuyển trạng thái văn bản đến/, 'who did it is on the page');
    await shot(page, DIR, '05-hoan-thanh');
    await cycleUntil(ta, async () => (await status(soyte.email, sent.documentId)) === 'done', "UBND's gateway received the 06");

    // 2. Compose and send to UBND and Sở Tài chính; both reach 03.
    await page.goto(`${base}/outgoing/new`);
    await page.setInputFiles('input[name=main]', { name: 'du-thao-cong-van.pdf', mimeType: 'application/pdf', buffer: await documentPdf({ issuerLines: ['SỞ Y TẾ', 'TỈNH VĨNH LONG'], numberNotation: '     /SYT-VP', type: 'CÔNG VĂN', summary: 'V/v báo cáo tình hình triển khai' }) });
    for (const [typed, name] of [['uy ban nhan dan', ubnd.name], ['tai chinh', stc.name]] as const) {
      await page.fill('[data-directory-search]', typed);
      await page.locator('[data-suggestions] button', { hasText: name }).click();
    }
    t.regex(await page.inputValue('[data-to]'), new RegExp(`${ubnd.code}.*${stc.code}`));
    await page.fill('textarea[name=summary]', 'V/v báo cáo tình hình triển khai văn bản điện tử');
    await page.fill('input[name=signerName]', 'Lê Văn Minh');
    await shot(page, DIR, '06-soan-van-ban');
    await page.click('form.compose button[type=submit]');
    await page.waitForURL(/\/outgoing\/drafts\/\d+$/);
    // The test world's agencies have short names: a công văn of Sở Y tế is numbered 01/SYT.
    t.is(await page.locator('[data-number]').innerText(), `01/${soyte.shortName}`, 'the number it will get is shown before confirming');
    await shot(page, DIR, '07-xem-truoc');
    await page.click('button[data-confirm]');
    await page.waitForURL(/\/outgoing\/\d+$/);
    const documentId = Number(/\/outgoing\/(\d+)$/.exec(page.url())![1]);
    t.is(await page.locator('[data-sealed-file]').first().innerText(), `01-${soyte.shortName}.pdf`, 'the sealed file is named after its number and notation');
    await cycleUntil(ta, async () => (await status(ubnd.email, documentId)) === 'received' && (await status(stc.email, documentId)) === 'received', 'both recipients at 03');
    await page.reload();
    t.deepEqual(await page.locator('[data-state]').evaluateAll(els => els.map(e => e.getAttribute('data-state'))), ['received', 'received']);
    t.regex(await page.locator('section.recipient').first().innerText(), /Đã tiếp nhận/);
    await shot(page, DIR, '08-theo-doi-van-ban-di');

    // 3. The operator: a mail nobody can read, and a status packet that matches nothing.
    await injectRaw('la@example.test', [soyte.email], await compose({ from: 'la@example.test', to: soyte.email, subject: 'Thư không rõ nội dung', messageId: '<la-1@example.test>', text: 'Xin chào' }));
    const status06 = buildStatus({ responseFor: { organId: '000.00.77.H62', code: '99/ZZ', promulgationDate: '2026-01-01', documentId: '000.00.77.H62,2026/01/01,99/ZZ' }, from: { organId: ubnd.code, organName: ubnd.name, email: ubnd.email }, statusCode: '06', description: 'Đã hoàn thành', timestamp: new Date().toISOString() });
    await injectRaw(ubnd.email, [soyte.email], await compose({ from: ubnd.email, to: soyte.email, subject: 'Trạng thái văn bản', messageId: '<orphan-06@ubnd.vinhlong.test>', text: 'Đã hoàn thành', attachments: [{ filename: 'trangthai.edxml', content: Buffer.from(status06), contentType: 'application/xml' }] }));
    await cycleUntil(ta, async () => !!(await app.db('quarantine').where({ state: 'open' }).first()) && !!(await app.db('inbound_reports').where({ state: 'orphan' }).first()), 'a quarantined mail and an orphan');
    await page.click('header form.inline button');
    await page.waitForURL(/\/login/);
    await page.fill('input[name=username]', 'quantri');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/ops\/health/);
    await shot(page, DIR, '09-tinh-trang-he-thong');
    await page.goto(`${web.url}/ops/quarantine`);
    await shot(page, DIR, '10-thu-cach-ly');
    await page.locator('table a', { hasText: 'Thư không rõ nội dung' }).click();
    await page.waitForURL(/\/ops\/quarantine\/\d+$/);
    t.regex(await page.locator('[data-reason]').innerText(), /\p{L}/u);
    await shot(page, DIR, '11-thu-cach-ly-chi-tiet');
    const release = page.locator('form.action', { has: page.locator('button[data-action=release]') });
    await release.locator('input[name=confirm]').check();
    await release.locator('button').click();
    await page.waitForSelector('.flash');
    t.is(Number((await app.db('quarantine').where({ state: 'released' }).count('* as n'))[0]!.n), 1);
    await page.goto(`${web.url}/ops/reconcile`);
    await shot(page, DIR, '12-doi-soat');
    await page.locator('[data-orphan]').first().click();
    const ubndRecipient = await app.db('outgoing_recipients').where({ document_id: documentId, address: ubnd.email }).first('id');
    await page.selectOption('[data-attach-choice]', String(ubndRecipient.id));
    await page.check('input[name=confirm]');
    await shot(page, DIR, '13-gan-phan-hoi');
    await page.click('form[action$="/attach"] button[type=submit]');
    await page.waitForURL(new RegExp(`/outgoing/${documentId}$`));
    t.is(await status(ubnd.email, documentId), 'done', 'the attached 06 moved the recipient');
    t.is(Number((await app.db('inbound_reports').where({ state: 'matched', method: 'manual' }).count('* as n'))[0]!.n), 1);
    await shot(page, DIR, '14-sau-khi-gan');
    t.deepEqual(b.errors, [], 'no script error on any page');
    t.log(`screenshots: ${DIR}`);
    process.stdout.write(`\nJourney screenshots: ${DIR}\n`);
  } finally {
    await b?.close();
    await web?.close();
  }
});
