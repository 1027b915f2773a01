import test from 'ava';
import { halfYearBounds, halfYearLines, halfYearReport, previousHalf } from '../../src/register/half-year-report.js';
import { runHalfYearReport } from '../../src/register/digest.js';
import { entry } from '../helpers/factories.js';
import { A, openWorld, stepClock } from '../helpers/world.js';

test('half years are Vietnam calendar halves; the job reports the one just ended', t => {
  t.deepEqual(halfYearBounds(2026, 1), { fromIso: '2025-12-31T17:00:00.000Z', toIso: '2026-06-30T17:00:00.000Z', from: '2026-01-01', to: '2026-06-30' });
  t.is(halfYearBounds(2026, 2).toIso, '2026-12-31T17:00:00.000Z');
  t.deepEqual(previousHalf('2027-01-01'), { year: 2026, half: 2 });
  t.deepEqual(previousHalf('2026-07-01'), { year: 2026, half: 1 });
});

test('the six-monthly report counts what came in and went out in the half year, once per agency', async t => {
  const clock = stepClock('2026-07-01T01:00:00Z'); // 08:00 on 1 July in Hà Nội
  const u = await openWorld(['soyte'], { clock });
  try {
    const e = (n: number, at: string, extra: Parameters<typeof entry>[1] | object = {}) => entry(u.app.db, { agencyCode: A.code, arrivalNumber: n, arrivalAt: new Date(at), ...extra });
    await e(1, '2025-12-31T16:59:59Z'); // 23:59 on 31/12/2025 in Hà Nội: the previous half
    await e(2, '2025-12-31T17:00:00Z');
    await e(3, '2026-03-01T02:00:00Z', { legalValue: 'reference', source: 'paper' });
    await e(4, '2026-06-30T16:59:00Z', { status: 'cancelled' });
    await e(5, '2026-06-30T17:00:00Z'); // 1 July already
    const r = await halfYearReport(u.app.db, A.code, 2026, 1);
    t.deepEqual(r.incoming, { registered: 3, legal: 2, reference: 1, paper: 1, refused: 0, quarantined: 0, cancelled: 1 });
    t.regex(halfYearLines(r)[0]!, /Báo cáo 6 tháng đầu năm 2026 \(từ 01\/01\/2026 đến 30\/06\/2026\)/);
    t.is(await runHalfYearReport(u.app), 1);
    t.is(await runHalfYearReport(u.app), 0, 'once');
    const notice = await u.app.db('outbox').where({ kind: 'notice' }).first();
    t.regex(JSON.parse(notice.message).text, /Văn bản đến đã vào sổ: 3/);
  } finally {
    await u.close();
  }
});
