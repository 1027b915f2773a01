import anyTest, { type TestFn } from 'ava';
import { recordTransition } from '../../src/db/history.js';
import { acquireLease, releaseLease } from '../../src/db/mailbox-state.js';
import { beat, claimShare } from '../../src/db/workers.js';
import { insertEntry, nextNumber, type EntryInput } from '../../src/db/register.js';
import { vnYear } from '../../src/domain/vn-time.js';
import { A, B, C, pdf } from '../helpers/world.js';
import { openWebWorld, USERS, WebClient, type WebWorld } from '../helpers/web.js';
import { addEntry, addOrphan, addOutgoing, addQuarantined } from '../helpers/web-data.js';

const test = anyTest as TestFn<{ w: WebWorld; c: WebClient }>;
const base = `/a/${encodeURIComponent(A.code)}`;

test.beforeEach(async t => {
  t.context.w = await openWebWorld();
  t.context.c = new WebClient(t.context.w.url);
  await t.context.c.login(USERS.clerkA);
});
test.afterEach.always(async t => {
  await t.context.w?.close();
});

/** Many entries at once (no mail, no file): for paging. */
async function bulkEntries(w: WebWorld, n: number, summary: (i: number) => string): Promise<void> {
  const now = w.clock.now();
  await w.app.db.transaction(async trx => {
    for (let i = 1; i <= n; i++) {
      const arrivalNumber = await nextNumber(trx, A.code, 'incoming', vnYear(now));
      await insertEntry(trx, { agencyCode: A.code, year: vnYear(now), arrivalNumber, arrivalAt: now, receivedMailId: null, source: 'email', issuerCode: null, issuerName: 'UBND huyện', numberNotation: `${i}/UBND`, number: String(i), notation: 'UBND', docDate: '2026-11-20', docType: 'Công văn', summary: summary(i), signerPosition: null, signerName: null, urgency: 'normal', dueDate: null, recipients: null, documentId: null, legalValue: 'legal', signatureVerdict: 'valid', status: 'registered', missing: [], warnings: [], senderAddress: 'vanthu@ubnd.vinhlong.test', senderMessageId: null } as EntryInput, now);
    }
  });
}

/** The arrival numbers listed on a register page. */
function numbersOn(html: string): number[] {
  return [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map(m => Number(m[1]));
}

test('the register pages through every entry: 603 entries, newest first, entry 1 reachable, back again', async t => {
  const { w, c } = t.context;
  await bulkEntries(w, 603, i => `Công văn số ${i}`);
  let page = await c.get(`${base}/register`);
  t.regex(page.text, /Sổ có <strong>603<\/strong> văn bản/);
  const seen: number[] = [];
  let next: string | undefined;
  for (let i = 0; i < 20; i++) {
    seen.push(...numbersOn(page.text));
    next = /<a href="([^"]+)" rel="next">/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    if (!next) break;
    page = await c.get(`${base}/register${next}`);
  }
  t.deepEqual(seen, Array.from({ length: 603 }, (_, i) => 603 - i), 'every number once, in order, down to 1');
  const prev = /<a href="([^"]+)" rel="prev">/.exec(page.text)![1]!.replace(/&amp;/g, '&');
  t.deepEqual(numbersOn(page.text), [3, 2, 1], 'the last page');
  t.deepEqual(numbersOn((await c.get(`${base}/register${prev}`)).text).slice(0, 2), [53, 52], 'the page before it');
});

test('search is accent-insensitive and filters by date, status and urgency; the columns are right and in Vietnamese', async t => {
  const { w, c } = t.context;
  await addEntry(w.app, A.code, { docType: 'Quyết định', summary: 'Về việc phê duyệt đề án', urgency: 'hoa-toc', dueDate: '2026-11-01' });
  await addEntry(w.app, A.code, { docType: 'Công văn', summary: 'Về việc báo cáo', issuerName: 'Sở Tài chính', numberNotation: '77/STC-NS' });
  for (const q of ['quyet dinh', 'QUYẾT ĐỊNH', 'phe duyet de an', 'Quyết định phê']) {
    const r = await c.get(`${base}/register?q=${encodeURIComponent(q)}`);
    t.deepEqual(numbersOn(r.text), [1], q);
  }
  t.deepEqual(numbersOn((await c.get(`${base}/register?q=77%2FSTC`)).text), [2], 'by number and notation');
  t.deepEqual(numbersOn((await c.get(`${base}/register?q=so%20tai%20chinh`)).text), [2], 'by issuer');
  t.deepEqual(numbersOn((await c.get(`${base}/register?q=100%25`)).text), [], 'LIKE wildcards are literal');
  t.deepEqual(numbersOn((await c.get(`${base}/register?urgency=hoa-toc`)).text), [1]);
  t.deepEqual(numbersOn((await c.get(`${base}/register?status=done`)).text), []);
  t.deepEqual(numbersOn((await c.get(`${base}/register?from=2026-11-21&to=2026-11-21`)).text), [2, 1], 'arrival on that Vietnam day');
  t.deepEqual(numbersOn((await c.get(`${base}/register?from=2026-11-22`)).text), []);
  const none = await c.get(`${base}/register?q=khong%20co`);
  t.regex(none.text, /Không có văn bản nào khớp điều kiện lọc/, 'an empty result says what to do');
  const all = await c.get(`${base}/register`);
  t.regex(all.text, /<tr class="urgent overdue"/, 'urgent and overdue are highlighted');
  t.regex(all.text, /21\/11\/2026 10:00/, 'Vietnam time, dd/mm/yyyy HH:mm');
  t.regex(all.text, /<td>Sở Tài chính<\/td>/, 'the issuing agency is the author');
  t.regex(all.text, /vanthu@ubnd\.vinhlong\.test/, "the sender's address");
  t.regex(all.text, /Hỏa tốc/);
  t.regex(all.text, /Đã vào sổ/);
});

test('a possible duplicate is a link to the earlier entry; history notes are words, not codes', async t => {
  const { w, c } = t.context;
  const first = await addEntry(w.app, A.code);
  const second = await addEntry(w.app, A.code, { warnings: ['UNSIGNED', `DUPLICATE_OF:${vnYear(w.clock.now())}/1`] });
  await recordTransition(w.app.db, { subject: 'entry', id: second, from: null, to: 'registered', code: '03', note: 'UNSIGNED' }, w.clock.now());
  const html = (await c.get(`${base}/entries/${second}`)).text;
  t.regex(html, new RegExp(`Có thể trùng với văn bản đã vào sổ: <a href="${base.replace(/\./g, '\\.')}/entries/${first}">số đến 1/2026</a>`));
  t.regex(html, /Văn bản không có chữ ký số: chỉ có giá trị tham khảo\./);
  t.regex(html, /Đã vào sổ \(03\): không có chữ ký số/);
  t.notRegex(html, /UNSIGNED|DUPLICATE_OF/);
});

test('an empty register says how documents get there', async t => {
  t.regex((await t.context.c.get(`${base}/register`)).text, /chưa có văn bản nào/);
  t.regex((await t.context.c.get(`${base}/outgoing`)).text, /Chưa có văn bản đi nào/);
});

test('the entry page: complete missing fields with who did it; mark done sends 06 to the sender; files served with the right headers', async t => {
  const { w, c } = t.context;
  const id = await addEntry(w.app, A.code, { summary: null, numberNotation: null, number: null, notation: null, missing: ['numberNotation', 'summary'] });
  const page = `${base}/entries/${id}`;
  const html = (await c.get(page)).text;
  t.regex(html, /Bổ sung thông tin còn thiếu/);
  t.regex(html, /name="numberNotation"/);
  t.notRegex(html, /name="issuer"/, 'only missing fields are editable');
  t.is((await c.post(`${page}/fields`, { numberNotation: 'không phải số' }, { from: page })).status, 400);
  t.is((await c.post(`${page}/fields`, { issuer: 'Cơ quan khác' }, { from: page })).status, 400, 'a field read from the document cannot be changed');
  t.is((await c.post(`${page}/fields`, { numberNotation: '15 / QĐ-UBND', summary: 'Về việc bổ sung' }, { from: page })).status, 303);
  const after = (await c.get(page)).text;
  t.regex(after, /15\/QĐ-UBND/);
  t.regex(after, /Văn thư Sở Y tế \(vanthu\.a\): Số, ký hiệu “15\/QĐ-UBND”/, 'the change and who made it');
  t.notRegex(after, /Bổ sung thông tin còn thiếu/);
  t.deepEqual(numbersOn((await c.get(`${base}/register?q=bo%20sung`)).text), [1], 'the search text follows the completed fields');
  t.is((await c.post(`${page}/status`, { status: 'done', note: 'Đã xong' }, { from: page })).status, 303);
  const packet = await w.app.db('outbox').where({ agency_code: A.code }).first();
  t.is(packet.to_address, 'vanthu@ubnd.vinhlong.test');
  t.regex(packet.subject, /06/);
  const done = (await c.get(page)).text;
  t.regex(done, /Hoàn thành \(06\)/);
  t.regex(done, /Văn thư Sở Y tế \(vanthu\.a\): Chuyển trạng thái văn bản đến <small>\(từ 127\.0\.0\.1\)<\/small>/);
  t.is((await c.post(`${page}/status`, { status: 'done' }, { from: page })).status, 409, 'one packet per step');
  const fileId = (await w.app.db('attachments').where({ entry_id: id }).first('id')).id;
  const file = await c.get(`${page}/files/${fileId}`);
  t.is(file.headers.get('content-type'), 'application/pdf');
  t.is(file.headers.get('x-frame-options'), 'SAMEORIGIN');
  t.regex(file.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

test('compose: upload, preview the number, confirm once, the sealed file named after the number; recall with a reason', async t => {
  const { w, c } = t.context;
  const form = new FormData();
  form.set('main', new Blob([await pdf()], { type: 'application/pdf' }), 'du-thao cua toi.pdf');
  form.append('annex', new Blob([await pdf('Phụ lục')], { type: 'application/pdf' }), 'phu luc.pdf');
  form.set('to', `${B.code}, ${C.code}`);
  form.set('type', 'Quyết định');
  form.set('summary', 'Về việc thử soạn');
  form.set('urgency', 'khan');
  const csrf = await c.csrf(`${base}/outgoing/new`);
  const draft = await c.request('POST', `${base}/outgoing/drafts?_csrf=${encodeURIComponent(csrf)}`, { body: form, headers: { Origin: w.url } });
  t.is(draft.status, 303, draft.text.slice(0, 300));
  const preview = await c.get(draft.location!);
  t.regex(preview.text, /data-number>01\/QĐ-SYT</);
  t.is(await w.app.db('outgoing_documents').count('* as n').then(r => Number((r[0] as { n: number }).n)), 0, 'nothing numbered before the confirmation');
  const send = await c.post(`${draft.location}/send`, {}, { from: draft.location! });
  t.is(send.status, 303);
  const again = await c.post(`${draft.location}/send`, {}, { from: '/account' });
  t.is(again.location, send.location, 'a second click sends nothing twice');
  const doc = await w.app.db('outgoing_documents').first();
  t.is(doc.number_notation, '01/QĐ-SYT');
  t.deepEqual(JSON.parse(doc.files).map((f: { name: string }) => f.name), ['01-QD-SYT.pdf', '01-QD-SYT-phu-luc-1.pdf']);
  t.is(await w.app.db('outbox').where({ kind: 'document' }).count('* as n').then(r => Number((r[0] as { n: number }).n)), 2);
  const page = (await c.get(send.location!)).text;
  t.regex(page, /Chờ gửi/);
  t.regex(page, /Văn thư Sở Y tế \(vanthu\.a\): Gửi văn bản đi/);
  const bad = await c.request('POST', `${base}/outgoing/drafts?_csrf=${encodeURIComponent(csrf)}`, { body: (() => { const f = new FormData(); f.set('main', new Blob(['không phải PDF']), 'x.pdf'); f.set('to', B.code); f.set('summary', 'x'); return f; })(), headers: { Origin: w.url } });
  t.is(bad.status, 400);
  t.is((await c.post(`${send.location}/recall`, { reason: '' }, { from: send.location! })).status, 400, 'a recall needs a reason');
  t.is((await c.post(`${send.location}/recall`, { reason: 'Sai sót số liệu' }, { from: send.location! })).status, 303);
  t.is((await w.app.db('outgoing_documents').first()).recall_reason, 'Sai sót số liệu');
});

test('directory search as you type is accent-insensitive and never offers the agency itself', async t => {
  const res = (await (await fetch(`${t.context.w.url}${base}/directory/search?q=uy%20ban`, { headers: { Cookie: t.context.c.cookie } })).json()) as Array<{ code: string }>;
  t.deepEqual(res.map(r => r.code), [B.code]);
  const self = (await (await fetch(`${t.context.w.url}${base}/directory/search?q=so%20y%20te`, { headers: { Cookie: t.context.c.cookie } })).json()) as unknown[];
  t.deepEqual(self, []);
});

test('print and export: the register as CSV and PDF for a year or a date range, and the six-monthly report', async t => {
  const { w, c } = t.context;
  await addEntry(w.app, A.code, { summary: 'Về việc in sổ' });
  const csv = await c.get(`${base}/register/export?kind=incoming&format=csv&year=2026`);
  t.is(csv.status, 200);
  t.regex(csv.headers.get('content-type') ?? '', /text\/csv/);
  t.regex(csv.text, /Về việc in sổ/);
  const range = await c.get(`${base}/register/export?kind=incoming&format=csv&from=2026-11-22&to=2026-11-30`);
  t.notRegex(range.text, /Về việc in sổ/, 'outside the range');
  const pdfRes = await fetch(`${w.url}${base}/register/export?kind=outgoing&format=pdf&year=2026`, { headers: { Cookie: c.cookie } });
  t.is(pdfRes.status, 200);
  t.is(Buffer.from(await pdfRes.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const report = await c.get(`${base}/report?year=2026&half=2`);
  t.regex(report.text, /Báo cáo 6 tháng cuối năm 2026/);
  t.regex(report.text, /Văn bản đến đã vào sổ<\/th><td class="num">1</);
  t.regex((await c.get(`${base}/report?year=2026&half=2&format=csv`)).text, /Văn bản đến đã vào sổ,1/);
});

test('operator pages: quarantine retry and discard with a confirmation, health with the mailbox error and the backlog, directory import, users', async t => {
  const { w } = t.context;
  const op = new WebClient(w.url);
  await op.login(USERS.operator);
  const q1 = await addQuarantined(w.app, A.code, { subject: 'Thư hỏng một' });
  const q2 = await addQuarantined(w.app, B.code, { subject: 'Thư hỏng hai' });
  const list = (await op.get('/ops/quarantine')).text;
  t.regex(list, /Thư hỏng một/);
  t.regex(list, /Thư hỏng hai/);
  const item = (await op.get(`/ops/quarantine/${q1}`)).text;
  t.regex(item, /Thư hỏng, không đọc được/);
  t.regex(item, /Nội dung/);
  t.is((await op.post(`/ops/quarantine/${q1}/discard`, {}, { from: `/ops/quarantine/${q1}` })).status, 400, 'no confirmation, nothing done');
  t.is((await op.post(`/ops/quarantine/${q1}/discard`, { confirm: 'yes' }, { from: `/ops/quarantine/${q1}` })).status, 303);
  t.is((await w.app.db('quarantine').where({ id: q1 }).first()).state, 'discarded');
  t.is((await op.post(`/ops/quarantine/${q2}/retry`, { confirm: 'yes' }, { from: `/ops/quarantine/${q2}` })).status, 303);
  t.is((await w.app.db('quarantine').where({ id: q2 }).first()).state, 'retried');
  const raw = await op.get(`/ops/quarantine/${q1}/raw`);
  t.regex(raw.headers.get('content-disposition') ?? '', /^attachment;/);
  t.is(raw.headers.get('content-type'), 'application/octet-stream');

  // A good cycle at 01:00 UTC, then one that failed at 02:00, as the intake leaves them.
  for (const [at, outcome] of [['2026-11-21T01:00:00Z', {}], ['2026-11-21T02:00:00Z', { error: 'IMAP_UNAVAILABLE: connect ECONNREFUSED' }]] as const) {
    t.true(await acquireLease(w.app.db, A.code, 'INBOX', 'test-cycle', new Date(at), 60_000));
    await releaseLease(w.app.db, A.code, 'INBOX', 'test-cycle', new Date(at), outcome);
  }
  await addOutgoing(w.app, A.code, [B.code]);
  const health = (await op.get('/ops/health')).text;
  t.regex(health, /21\/11\/2026 08:00/, 'last good cycle, Vietnam time');
  t.regex(health, /ECONNREFUSED/);
  t.regex(health, /Chờ gửi<\/td><td class="num">1/);
  // Who owns which mailbox (docs/operations.md §Workers): the worker, its mailbox, and the same as JSON.
  await beat(w.app.db, { id: 'may-1:4242:ab', host: 'may-1', pid: 4242, role: 'service', startedAt: w.app.ports.clock.now() }, w.app.ports.clock.now(), 20_000);
  await claimShare(w.app.db, 'may-1:4242:ab', [A.code], w.app.ports.clock.now(), 20_000);
  const owned = (await op.get('/ops/health')).text;
  t.regex(owned, /Tiến trình phụ trách/);
  t.regex(owned, /<code>may-1:4242:ab<\/code>/);
  const status = JSON.parse((await op.get('/ops/status.json')).text);
  t.is(status.mailboxes.find((m: { agency: string }) => m.agency === A.code).owner, 'may-1:4242:ab');

  const orphan = await addOrphan(w.app, A.code);
  t.regex((await op.get('/ops/reconcile')).text, new RegExp(`data-orphan="${orphan}"`));
  t.regex((await op.get(`/ops/orphans/${orphan}`)).text, /01\/SYT → /, 'the recipients of the agency to choose from');

  const csv = (text: string) => {
    const f = new FormData();
    f.set('csv', new Blob([text], { type: 'text/csv' }), 'danh-ba.csv');
    return f;
  };
  const token = await op.csrf('/ops/directory');
  const ok = await op.request('POST', `/ops/directory/import?_csrf=${encodeURIComponent(token)}`, { body: csv('code,name,emails,kind\n000.00.40.H62,Sở Xây dựng tỉnh Vĩnh Long,vanthu@sxd.vinhlong.test,mailbox\n'), headers: { Origin: w.url } });
  t.is(ok.status, 303);
  t.regex((await op.get('/ops/directory')).text, /Sở Xây dựng tỉnh Vĩnh Long/);
  const badCsv = await op.request('POST', `/ops/directory/import?_csrf=${encodeURIComponent(token)}`, { body: csv('code,name,emails\nxx,Tên,khong-phai-thu\n'), headers: { Origin: w.url } });
  t.is(badCsv.status, 400);
  t.regex(badCsv.text, /line 2/);

  t.is((await op.post('/ops/users', { username: 'vanthu.c', displayName: 'Văn thư C', role: 'clerk', agencies: A.code, password: 'mật-khẩu-đủ-dài-2' }, { from: '/ops/users' })).status, 303);
  t.is((await op.post('/ops/users', { username: 'X', role: 'clerk', password: 'ngan' }, { from: '/ops/users' })).status, 400);
  await new WebClient(w.url).login('vanthu.c', 'mật-khẩu-đủ-dài-2');
  const created = await op.post('/ops/tokens', { agency: A.code, name: 'Hệ thống QLVB' }, { from: '/ops/users' });
  t.regex(created.text, /data-new-token>edoc_[\w-]{40,}</, 'the new token is shown once');
  t.notRegex((await op.get('/ops/users')).text, /edoc_[\w-]{40,}/, 'and never again');
});

test('probes stay open: /healthz and /metrics', async t => {
  const { w } = t.context;
  t.is(await (await fetch(`${w.url}/healthz`)).text(), 'ok\n');
  t.regex(await (await fetch(`${w.url}/metrics`)).text(), /# TYPE edoc_received_mails gauge/);
});
