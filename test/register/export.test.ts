import test from 'ava';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { PDFDocument } from 'pdf-lib';
import { stringify } from 'yaml';
import { openDb, type Db } from '../../src/db/connect.js';
import { markRecalled } from '../../src/db/outgoing.js';
import { insertEntry, moveEntry, type EntryInput } from '../../src/db/register.js';
import { extractPdfText } from '../../src/pdf/text.js';
import { OUTGOING_REGISTER_COLUMNS } from '../../src/register/export-csv.js';
import { INCOMING_REGISTER_COLUMNS } from '../../src/register/present.js';
import { cli } from '../helpers/capture.js';
import { outgoingDocument } from '../helpers/factories.js';

const AGENCY = { code: '000.00.31.H62', name: 'Sở Y tế tỉnh Vĩnh Long', email: 'vanthu@soyte.vinhlong.test' };

/** A fresh installation with its database migrated, and a connection to write register rows. */
async function setup(t: { teardown(fn: () => unknown): void }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-export-'));
  const config = {
    instance: { domain: 'edoc.vinhlong.test' },
    storage: { database: { filename: path.join(dir, 'edoc.sqlite') }, blobs: 'blobs' },
    agencies: [
      {
        ...AGENCY,
        imap: { host: '127.0.0.1', port: 993, user: AGENCY.email, passwordEnv: 'SOYTE_PASS' },
        smtp: { host: '127.0.0.1', port: 587, user: AGENCY.email, passwordEnv: 'SOYTE_PASS' },
      },
    ],
    directory: [{ code: '000.00.00.H62', name: 'Ủy ban nhân dân tỉnh Vĩnh Long', emails: ['vanthu@ubnd.vinhlong.test'] }],
  };
  const file = path.join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  const env = { SOYTE_PASS: 'x', EDOC_BRIDGE_CONFIG: file };
  const migrated = await cli(['agencies', 'list'], env);
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  const db = openDb({ client: 'sqlite3', filename: path.join(dir, 'edoc.sqlite') });
  t.teardown(() => db.destroy());
  return { dir, env, db };
}

function entry(n: number, over: Partial<EntryInput> = {}): EntryInput {
  return {
    agencyCode: AGENCY.code,
    year: 2026,
    arrivalNumber: n,
    arrivalAt: new Date(Date.UTC(2026, 0, 5, 1, 30) + n * 3600_000),
    receivedMailId: null,
    source: 'email',
    issuerCode: '000.00.00.H62',
    issuerName: 'Ủy ban nhân dân tỉnh Vĩnh Long',
    numberNotation: `${n}/QĐ-UBND`,
    number: String(n),
    notation: 'QĐ-UBND',
    docDate: '2026-01-05',
    docType: 'Quyết định',
    summary: `Về việc phê duyệt kế hoạch chuyển đổi số số hiệu KH${String(n).padStart(4, '0')}`,
    signerPosition: 'Chủ tịch',
    signerName: 'Nguyễn Văn An',
    urgency: 'normal',
    dueDate: null,
    recipients: 'Phòng Nghiệp vụ Y',
    documentId: null,
    legalValue: 'legal',
    signatureVerdict: 'valid',
    status: 'registered',
    missing: [],
    warnings: [],
    senderAddress: 'vanthu@ubnd.vinhlong.test',
    senderMessageId: null,
    ...over,
  };
}

async function addEntries(db: Db, entries: EntryInput[]): Promise<void> {
  for (const e of entries) await insertEntry(db, e, new Date());
}

/** All text of a PDF, split at the page footers ("Trang N/M" is the last thing drawn on each page). */
async function pdfPages(bytes: Buffer): Promise<{ count: number; pages: string[] }> {
  const doc = await PDFDocument.load(bytes);
  const text = await extractPdfText(bytes, { maxPages: 10_000 });
  if ('error' in text) throw new Error(text.error);
  const pages = text.text.split(/Trang \d+\/\d+\n?/).slice(0, -1);
  const footers = [...text.text.matchAll(/Trang (\d+)\/(\d+)/g)].map(m => [Number(m[1]), Number(m[2])]);
  const count = doc.getPageCount();
  if (footers.length !== count || footers.some(([i, n], k) => i !== k + 1 || n !== count)) throw new Error(`footers ${JSON.stringify(footers)} for ${count} pages`);
  return { count, pages };
}

test('incoming CSV: BOM, Appendix IV headers, rows by arrival number, round-trips through csv-parse', async t => {
  const s = await setup(t);
  const tricky = 'Về việc "chuyển đổi số", năm 2026;\ndòng thứ hai';
  await addEntries(s.db, [entry(2, { summary: tricky, urgency: 'hoa-toc' }), entry(1, { issuerName: '=HYPERLINK("http://x.test","Bấm")' }), entry(3), entry(1, { year: 2025 })]);
  // A recalled document (NĐ 30: the number is never reused) stays in the book, marked.
  const third: { id: number } = await s.db('register_entries').where({ arrival_number: 3, year: 2026 }).first('id');
  await moveEntry(s.db, third.id, 'registered', 'cancelled', { code: '13', note: 'Thu hồi', evidenceSha256: null }, new Date());
  const out = path.join(s.dir, 'so-den.csv');
  const r = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2026', '--format', 'csv', '--out', out], s.env);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /3 incoming entries/);
  const bytes = await readFile(out);
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const rows: string[][] = parse(bytes, { bom: true });
  t.deepEqual(rows[0], [...INCOMING_REGISTER_COLUMNS]);
  t.deepEqual(rows.slice(1).map(r => r[1]), ['1', '2', '3'], 'Số đến in order, one year only');
  t.is(rows[2]![5], `Quyết định – ${tricky}`);
  t.is(rows[2]![0], '05/01/2026 10:30', 'Ngày đến in Vietnam time');
  t.is(rows[2]![10], 'Hỏa tốc');
  t.is(rows[1]![2], `'=HYPERLINK("http://x.test","Bấm")`, 'a formula from a sender is not run by the spreadsheet');
  t.is(rows[3]![13], 'Đã thu hồi', 'a cancelled entry keeps its number in the book');

  // Without --out the CSV goes to stdout, the same bytes.
  const stdout = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2026', '--format', 'csv'], s.env);
  t.is(stdout.stdout, bytes.toString('utf8'));
});

test('incoming PDF with many rows: opens, Trang N/M on every page, header repeated, every entry once and in order', async t => {
  const s = await setup(t);
  const N = 150;
  // Entry 40 has a summary longer than a page: it must continue on the next page, not be cut.
  const long = Array.from({ length: 120 }, (_, i) => `đoạn${i}`).join(' trích yếu rất dài ');
  await addEntries(s.db, Array.from({ length: N }, (_, i) => entry(i + 1, i + 1 === 40 ? { summary: long } : {})));
  const out = path.join(s.dir, 'so-den.pdf');
  // --format can be left out when --out ends in .pdf.
  const r = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2026', '--out', out], s.env);
  t.is(r.code, 0, r.stderr);
  const bytes = await readFile(out);
  t.is(bytes.subarray(0, 5).toString(), '%PDF-');
  const { count, pages } = await pdfPages(bytes);
  t.regex(r.stdout, new RegExp(`${N} incoming entries.*, ${count} pages`));
  t.is(pages.length, count);
  t.true(count >= 8, `${count} pages`);

  const all = pages.join('\n');
  t.true(pages[0]!.startsWith('SỞ Y TẾ TỈNH VĨNH LONG'));
  t.regex(pages[0]!, /SỔ ĐĂNG KÝ VĂN BẢN ĐẾN\s+Năm 2026/);
  t.regex(pages[0]!, /Từ số 1 đến số 150/);
  for (const [i, page] of pages.entries()) {
    t.true(page.includes('Tên loại và trích yếu nội dung văn'), `header on page ${i + 1}`);
    t.true(page.includes('(14)'), `column numbers on page ${i + 1}`);
    if (i > 0) t.true(page.startsWith('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN – Sở Y tế tỉnh Vĩnh Long – Năm 2026'), `running title on page ${i + 1}`);
  }
  // Every entry exactly once, in arrival order (the summary carries a unique key).
  const keys = [...all.matchAll(/KH(\d{4})/g)].map(m => Number(m[1]));
  t.deepEqual(keys, Array.from({ length: N }, (_, i) => i + 1).filter(n => n !== 40));
  const parts = [...all.matchAll(/đoạn(\d+)/g)].map(m => Number(m[1]));
  t.deepEqual(parts, Array.from({ length: 120 }, (_, i) => i), 'the long summary is printed whole, across pages');
  // No page is left nearly empty by the row breaking (the long entry aside).
  for (const [i, page] of pages.slice(0, -1).entries()) {
    const rows = (page.match(/KH\d{4}/g) ?? []).length + (page.includes('đoạn') ? 1 : 0);
    t.true(rows >= 1, `page ${i + 1} has rows`);
    if (!page.includes('đoạn')) t.true(rows >= 12, `page ${i + 1} holds ${rows} rows`);
  }
  const last = pages.at(-1)!;
  t.true(last.includes('Người lập sổ (ký, ghi rõ họ tên)'), 'signature block on the last page');
  t.regex(last, new RegExp(`Sổ gồm ${count} trang, ${N} văn bản`));
  t.regex(last, /Vĩnh Long, ngày/);
  const doc = await PDFDocument.load(bytes);
  const { width, height } = doc.getPage(0).getSize();
  t.true(width > height && Math.round(width) === 842 && Math.round(height) === 595, 'A4 landscape');
  t.is(doc.getTitle(), 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN – Sở Y tế tỉnh Vĩnh Long – Năm 2026');
});

test('outgoing register: App. IV outgoing columns in CSV and PDF, recipients, copies, send date, recall note', async t => {
  const s = await setup(t);
  const doc = (number: number, over: Partial<Parameters<typeof outgoingDocument>[1]> = {}) => ({
    agency_code: AGENCY.code,
    number,
    notation: 'SYT-VP',
    doc_date: '2026-03-02',
    summary: `V/v triển khai tiêm chủng đợt ${number}`,
    signer_position: 'Giám đốc',
    signer_name: 'Trần Thị Bình',
    state: 'sent' as const,
    sealed: true,
    ...over,
  });
  const recalled = await outgoingDocument(s.db, doc(2), [{ address: 'vanthu@ubnd.vinhlong.test', status: 'recalled', sentAt: '2026-03-02T17:30:00.000Z' }]);
  await markRecalled(s.db, recalled, 'Sai nơi nhận', new Date('2026-03-03T02:00:00.000Z'));
  await outgoingDocument(s.db, doc(1, { urgency: 'khan' }), [
    { address: 'vanthu@ubnd.vinhlong.test', name: 'UBND tỉnh Vĩnh Long', status: 'received', sentAt: '2026-03-02T03:00:00.000Z' },
    { address: 'vanthu@stc.vinhlong.test', name: 'Sở Tài chính', status: 'bounced', sentAt: '2026-03-02T03:00:00.000Z' },
  ]);
  await outgoingDocument(s.db, doc(3, { state: 'queued' }));

  const csv = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2026', '--outgoing', '--format', 'csv'], s.env);
  t.is(csv.code, 0, csv.stderr);
  const rows: string[][] = parse(csv.stdout, { bom: true });
  t.deepEqual(rows[0], [...OUTGOING_REGISTER_COLUMNS]);
  t.deepEqual(rows.slice(1).map(r => r[0]), ['01/SYT-VP', '02/SYT-VP', '03/SYT-VP']);
  const [one, two, three] = rows.slice(1) as [string[], string[], string[]];
  t.deepEqual(one.slice(0, 8), ['01/SYT-VP', '02/03/2026', 'Công văn – V/v triển khai tiêm chủng đợt 1', 'Giám đốc Trần Thị Bình', 'UBND tỉnh Vĩnh Long; Sở Tài chính', '', '2', '02/03/2026']);
  t.regex(one[9]!, /Khẩn/);
  t.regex(one[9]!, /Sở Tài chính: không gửi được/);
  t.is(two[4], 'vanthu@ubnd.vinhlong.test', 'an address when the directory has no name');
  t.is(two[7], '03/03/2026', 'Ngày chuyển in Vietnam time (17:30 UTC is the next morning)');
  t.regex(two[9]!, /Đã thu hồi ngày 03\/03\/2026: Sai nơi nhận/);
  t.is(three[6], '0');
  t.regex(three[9]!, /Chưa gửi/);

  const out = path.join(s.dir, 'so-di.pdf');
  const pdf = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2026', '--outgoing', '--format', 'pdf', '--out', out], s.env);
  t.is(pdf.code, 0, pdf.stderr);
  const { count, pages } = await pdfPages(await readFile(out));
  t.is(count, 1);
  t.regex(pages[0]!, /SỔ ĐĂNG KÝ VĂN BẢN ĐI\s+Năm 2026/);
  for (const text of ['01/SYT-VP', '02/SYT-VP', '03/SYT-VP', 'Đã thu hồi', 'Người lập sổ (ký, ghi rõ họ tên)', 'Nơi nhận văn', '(10)']) t.true(pages[0]!.includes(text), text);
  t.false(pages[0]!.includes('(11)'), 'ten columns');
});

test('an empty register still prints: one page, title, the signature line', async t => {
  const s = await setup(t);
  const out = path.join(s.dir, 'empty.pdf');
  const r = await cli(['register', 'export', '--agency', AGENCY.code, '--year', '2027', '--format', 'pdf', '--out', out], s.env);
  t.is(r.code, 0, r.stderr);
  const { count, pages } = await pdfPages(await readFile(out));
  t.is(count, 1);
  t.regex(pages[0]!, /Không có văn bản nào trong năm/);
  t.regex(pages[0]!, /Người lập sổ/);
});

test('register export: usage errors exit 2, an unknown agency exits 1', async t => {
  const s = await setup(t);
  const run = (...args: string[]) => cli(['register', 'export', ...args], s.env);
  t.is((await run('--year', '2026', '--format', 'csv')).code, 2, 'no --agency');
  t.is((await run('--agency', AGENCY.code, '--year', '26', '--format', 'csv')).code, 2, 'bad year');
  t.is((await run('--agency', AGENCY.code, '--year', '2026')).code, 2, 'no format');
  t.is((await run('--agency', AGENCY.code, '--year', '2026', '--format', 'xlsx')).code, 2);
  const unknown = await run('--agency', '000.00.99.H62', '--year', '2026', '--format', 'csv');
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /NOT_FOUND: no agency 000\.00\.99\.H62/);
});
