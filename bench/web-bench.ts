/**
 * `npm run bench` (web part), no mail server needed:
 *   1. register paging  BENCH_ENTRIES (default 100,000) entries in one agency's register on SQLite;
 *                       the time to list the first page, a page deep in the register (keyset),
 *                       an accent-insensitive search, and a filtered count — median of 20 each.
 *   2. upload memory    the server's peak RSS while BENCH_UPLOADS (6) concurrent uploads of
 *                       BENCH_UPLOAD_MB (78) MB stream in against the default 50 MiB limit.
 * Numbers, not assertions.
 */
import http from 'node:http';
import { insertEntry, nextNumber, type EntryInput } from '../src/db/register.js';
import { countEntries, searchEntries } from '../src/db/register-search.js';
import { vnYear } from '../src/domain/vn-time.js';
import { openWebWorld, USERS, WebClient } from '../test/helpers/web.js';
import { A } from '../test/helpers/world.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 6);
const UPLOAD_MB = Number(process.env.BENCH_UPLOAD_MB ?? 78);

const WORDS = ['Quyết định', 'Công văn', 'Kế hoạch', 'Thông báo', 'Báo cáo', 'Tờ trình'];
const TOPICS = ['phê duyệt đề án', 'triển khai văn bản điện tử', 'kiểm tra an toàn thực phẩm', 'tuyển dụng viên chức', 'quyết toán ngân sách', 'phòng chống dịch bệnh'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

const w = await openWebWorld({ http: { maxUploadBytes: 50 * 1024 * 1024 } });
try {
  const { app } = w;
  const now = w.clock.now();
  const t0 = Date.now();
  for (let done = 0; done < ENTRIES; ) {
    await app.db.transaction(async trx => {
      for (let i = 0; i < 5000 && done < ENTRIES; i++, done++) {
        const arrivalNumber = await nextNumber(trx, A.code, 'incoming', vnYear(now));
        await insertEntry(trx, {
          agencyCode: A.code, year: vnYear(now), arrivalNumber, arrivalAt: new Date(now.getTime() - (ENTRIES - done) * 60_000), receivedMailId: null, source: 'email', issuerCode: null,
          issuerName: `UBND huyện ${done % 97}`, numberNotation: `${done}/UBND`, number: String(done), notation: 'UBND', docDate: '2026-11-20', docType: WORDS[done % WORDS.length]!,
          summary: `Về việc ${TOPICS[done % TOPICS.length]} đợt ${done}`, signerPosition: null, signerName: null, urgency: done % 50 === 0 ? 'khan' : 'normal', dueDate: null, recipients: null,
          documentId: null, legalValue: 'legal', signatureVerdict: 'valid', status: done % 3 === 0 ? 'done' : 'registered', missing: [], warnings: [], senderAddress: 'vanthu@ubnd.vinhlong.test', senderMessageId: null,
        } as EntryInput, now);
      }
    });
  }
  const loaded = (Date.now() - t0) / 1000;
  const f = { agencyCode: A.code };
  const year = vnYear(now);
  const results = {
    entries: ENTRIES,
    loadSeconds: Number(loaded.toFixed(1)),
    firstPageMs: await timed(() => searchEntries(app.db, f, { limit: 50 })),
    deepPageMs: await timed(() => searchEntries(app.db, f, { after: { year, number: 1000 }, limit: 50 })),
    searchMs: await timed(() => searchEntries(app.db, { ...f, q: 'quyet dinh phe duyet' }, { limit: 50 })),
    countMs: await timed(() => countEntries(app.db, { ...f, status: 'registered' })),
  };
  // The whole page, over HTTP (rendering included).
  const c = new WebClient(w.url);
  await c.login(USERS.clerkA);
  const pageMs = await timed(() => c.get(`/a/${encodeURIComponent(A.code)}/register?after=${year}.50000`));

  // Six concurrent large uploads against the limit: the server's memory stays flat.
  const csrf = await c.csrf(`/a/${encodeURIComponent(A.code)}/paper/new`);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const u = new URL(w.url);
  const one = () =>
    new Promise<number>(resolve => {
      const boundary = '----bench';
      const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: `/a/${encodeURIComponent(A.code)}/paper?_csrf=${encodeURIComponent(csrf)}`, headers: { Cookie: c.cookie, Origin: w.url, 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
      let status = 0;
      req.on('response', res => ((status = res.statusCode ?? 0), res.resume(), res.on('end', () => resolve(status))));
      req.on('error', () => resolve(status));
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="scan"; filename="lon.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
      const chunk = Buffer.alloc(256 * 1024, 0x41);
      let sent = 0;
      const pump = () => {
        while (sent < UPLOAD_MB * 1024 * 1024 && !req.destroyed && status === 0) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!req.destroyed && status === 0) req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
  const statuses = await Promise.all(Array.from({ length: UPLOADS }, one));
  clearInterval(sampler);
  const summary = { ...results, registerPageHttpMs: pageMs, uploads: { count: UPLOADS, mb: UPLOAD_MB, statuses, rssBeforeMb: Math.round(before / 2 ** 20), rssPeakMb: Math.round(peak / 2 ** 20) } };
  console.log(JSON.stringify(summary, null, 2));
  console.log(`\n| what | result |\n|---|---|`);
  console.log(`| register of ${ENTRIES.toLocaleString('en')} entries (SQLite): first page / deep page (keyset) / accent-insensitive search / filtered count | ${results.firstPageMs.toFixed(1)} / ${results.deepPageMs.toFixed(1)} / ${results.searchMs.toFixed(1)} / ${results.countMs.toFixed(1)} ms |`);
  console.log(`| the register page over HTTP (query, count, render) | ${pageMs.toFixed(1)} ms |`);
  console.log(`| ${UPLOADS} concurrent ${UPLOAD_MB} MB uploads (50 MiB limit): answers ${[...new Set(statuses)].join(', ')} | RSS ${summary.uploads.rssBeforeMb} → peak ${summary.uploads.rssPeakMb} MB |`);
} finally {
  await w.close();
}
