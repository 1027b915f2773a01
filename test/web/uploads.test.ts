import anyTest, { type TestFn } from 'ava';
import http from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { A, pdf } from '../helpers/world.js';
import { openWebWorld, USERS, WebClient, type WebWorld } from '../helpers/web.js';

const test = anyTest.serial as TestFn<{ w: WebWorld; tmp: string; saved: string | undefined }>;
const LIMIT = 1024 * 1024;

test.beforeEach(async t => {
  // Uploads stream into os.tmpdir(): point it at a folder of this test to see what is left there.
  t.context.saved = process.env.TMPDIR;
  t.context.tmp = await mkdtemp(path.join(tmpdir(), 'edoc-upload-test-'));
  process.env.TMPDIR = t.context.tmp;
  t.context.w = await openWebWorld({ http: { maxUploadBytes: LIMIT } });
});
test.afterEach.always(async t => {
  if (t.context.saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = t.context.saved;
  await t.context.w?.close();
  await rm(t.context.tmp, { recursive: true, force: true });
});

/** Stream a multipart body of `total` bytes of file content, slowly; resolve with the answer and how much had been sent by then. */
function streamUpload(url: string, cookie: string, csrf: string, total: number, announce?: number): Promise<{ status: number; sentWhenAnswered: number; body: string }> {
  return new Promise((resolve, reject) => {
    const boundary = '----edocboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="scan"; filename="lon.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const u = new URL(url);
    let sent = 0;
    let answered = -1;
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { Cookie: cookie, Origin: `${u.protocol}//${u.host}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...(announce ? { 'Content-Length': String(announce) } : {}) } });
    req.on('response', res => {
      answered = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sentWhenAnswered: answered, body }));
    });
    req.on('error', err => (answered >= 0 ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      if (answered >= 0 || req.destroyed) return;
      if (sent >= total) return void req.end(tail);
      const ok = req.write(chunk);
      sent += chunk.length;
      if (ok) setImmediate(pump);
      else req.once('drain', pump);
    };
    req.write(head);
    if (announce) return void setTimeout(() => req.destroyed || req.end(), 2000); // announce only: send nothing more
    pump();
  });
}

test('an upload over the limit is refused while it streams: answered long before it is all sent, nothing left on disk', async t => {
  const { w, tmp } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.clerkA);
  const csrf = await c.csrf(`/a/${encodeURIComponent(A.code)}/paper/new`);
  const total = 40 * LIMIT;
  const r = await streamUpload(`${w.url}/a/${encodeURIComponent(A.code)}/paper?_csrf=${encodeURIComponent(csrf)}`, c.cookie, csrf, total);
  t.is(r.status, 413);
  t.regex(r.body, /Tệp quá lớn/);
  t.true(r.sentWhenAnswered < total / 2, `answered after ${r.sentWhenAnswered} of ${total} bytes`);
  t.deepEqual((await readdir(tmp)).filter(f => f.startsWith('edoc-upload-')), [], 'the partial upload was removed');
  t.is(await w.app.db('register_entries').count('* as n').then(r => Number((r[0] as { n: number }).n)), 0);
});

test('a body announced over the limit is refused before any of it is read', async t => {
  const { w } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.clerkA);
  const csrf = await c.csrf(`/a/${encodeURIComponent(A.code)}/paper/new`);
  const r = await streamUpload(`${w.url}/a/${encodeURIComponent(A.code)}/paper?_csrf=${encodeURIComponent(csrf)}`, c.cookie, csrf, 0, 100 * LIMIT);
  t.is(r.status, 413);
});

test('an upload within the limit registers the paper document', async t => {
  const { w, tmp } = t.context;
  const c = new WebClient(w.url);
  await c.login(USERS.clerkA);
  const base = `/a/${encodeURIComponent(A.code)}`;
  const csrf = await c.csrf(`${base}/paper/new`);
  const form = new FormData();
  form.set('scan', new Blob([await pdf('Số: 15/QĐ-UBND')], { type: 'application/pdf' }), 'ban-quet.pdf');
  form.set('summary', 'Về việc tiếp nhận văn bản giấy');
  form.set('issuer', 'Ủy ban nhân dân huyện Long Hồ');
  const r = await c.request('POST', `${base}/paper?_csrf=${encodeURIComponent(csrf)}`, { body: form, headers: { Origin: w.url } });
  t.is(r.status, 303, r.text.slice(0, 300));
  const entry = await w.app.db('register_entries').first();
  t.is(entry.source, 'paper');
  t.is(entry.summary, 'Về việc tiếp nhận văn bản giấy');
  t.is(r.location, `${base}/entries/${entry.id}`);
  t.deepEqual((await readdir(tmp)).filter(f => f.startsWith('edoc-upload-')), [], 'the upload folder is removed after use');
  const page = await c.get(r.location!);
  t.regex(page.text, /Văn bản giấy/);
  const scan = await c.get(`${base}/entries/${entry.id}/files/scan`);
  t.is(scan.headers.get('content-type'), 'application/pdf');
  t.regex(scan.headers.get('content-disposition') ?? '', /^inline; filename="ban-quet\.pdf"; filename\*=UTF-8''ban-quet\.pdf$/);
  t.regex(scan.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
});
