import test from 'ava';
import { nextNumber } from '../../src/db/register.js';
import { inTransaction } from '../../src/db/transaction.js';
import { registerPaperDocument } from '../../src/inbound/register-paper.js';
import { documentPdf } from '../helpers/documents.js';
import { cli } from '../helpers/capture.js';
import { A, openWorld, stepClock } from '../helpers/world.js';

test('a scanned paper document takes the next number of the same incoming series; the scan is kept and checked', async t => {
  const u = await openWorld(['soyte'], { clock: stepClock('2026-11-21T03:00:00Z') });
  try {
    const deps = u.app;
    const agency = u.app.config.agencies[0]!;
    // An e-mailed document took number 1 of 2026.
    await inTransaction(u.app.db, trx => nextNumber(trx, A.code, 'incoming', 2026));
    const scan = await documentPdf({ numberNotation: '45/UBND-VP', dateLine: 'Vĩnh Long, ngày 19 tháng 11 năm 2026', type: 'CÔNG VĂN', summary: 'V/v kiểm tra hồ sơ giấy' });
    const r = await registerPaperDocument(deps, agency, { name: 'ban-quet.pdf', content: scan }, { issuerName: 'Ủy ban nhân dân tỉnh Vĩnh Long' });
    t.is(r.arrivalNumber, 2, 'one series for paper and electronic (NĐ 30 Art. 22.2)');
    const entry = await u.app.db('register_entries').where({ id: r.entryId }).first();
    t.is(entry.source, 'paper');
    t.is(entry.number_notation, '45/UBND-VP', 'read from the scan when not typed');
    t.is(entry.doc_date, '2026-11-19');
    t.is(entry.legal_value, 'reference', 'an unsealed scan has reference value only');
    t.deepEqual(JSON.parse(entry.warnings), ['SCAN_NOT_SEALED']);
    t.true(await u.app.ports.blobs.has(entry.scan_sha256));
    // Typed fields win over the scan's text.
    const typed = await registerPaperDocument(deps, agency, { name: 'b.pdf', content: scan }, { numberNotation: '46/UBND-VP', summary: 'Gõ tay' });
    const e2 = await u.app.db('register_entries').where({ id: typed.entryId }).first();
    t.is(e2.arrival_number, 3);
    t.deepEqual(typed.warnings, ['SCAN_NOT_SEALED'], 'another number: not a duplicate');
    const again = await registerPaperDocument(deps, agency, { name: 'c.pdf', content: scan }, { issuerName: 'Ủy ban nhân dân tỉnh Vĩnh Long' });
    t.deepEqual(again.warnings, ['SCAN_NOT_SEALED', 'DUPLICATE_OF:2026/2'], 'the same paper document entered twice is flagged');
    t.is(e2.number_notation, '46/UBND-VP');
    t.is(e2.summary, 'Gõ tay');
    await t.throwsAsync(registerPaperDocument(deps, agency, { name: 'x.pdf', content: Buffer.from('not a pdf') }, {}), { code: 'PDF_UNREADABLE' } as never);
    await t.throwsAsync(registerPaperDocument(deps, agency, { name: 'm.pdf', content: await documentPdf({ secrecyMark: 'MẬT' }) }, {}), { message: /secrecy mark/ });
    t.is(Number((await u.app.db('register_entries').count('* as n'))[0]!.n), 3, 'nothing registered for the refused scans');
  } finally {
    await u.close();
  }
});

test('register add needs an agency and a file (exit 2)', async t => {
  const r = await cli(['register', 'add', '--agency', A.code]);
  t.is(r.code, 2);
  t.regex(r.stderr, /usage: edoc-bridge register add/);
});
