/**
 * Secrecy from every source through the real intake (docs/hostile-input.md §Secrecy): a mark only in
 * the subject, or only in the body, with an unmarked PDF, is refused with the reason; a subject that
 * merely talks about passwords is registered.
 */
import { runIntakeCycle } from '../../src/inbound/pipeline.js';
import { AGENCIES, openWorld } from '../helpers/world.js';
import { integrationTest } from '../helpers/integration.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { waitForMessages } from '../helpers/mailserver.js';

const test = await integrationTest();

test.serial('a subject-only or body-only secrecy mark is refused with the reason; an ordinary subject is registered', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  const to = AGENCIES.soyte.email;
  await sendMail(AGENCIES.ubnd.email, to, { subject: '[MẬT] Công văn số 31/UBND-VP', attachments: [{ filename: 'cv31.pdf', content: await documentPdf({ numberNotation: '31/UBND-VP' }) }] });
  await sendMail(AGENCIES.ubnd.email, to, { subject: 'Công văn số 32/UBND-VP', text: 'Kính gửi Sở Y tế,\nĐộ mật: Tối mật\nGửi văn bản kèm theo.', attachments: [{ filename: 'cv32.pdf', content: await documentPdf({ numberNotation: '32/UBND-VP' }) }] });
  await sendMail(AGENCIES.ubnd.email, to, { subject: 'Công văn số 33/UBND-VP về việc đổi mật khẩu hộp thư', attachments: [{ filename: 'cv33.pdf', content: await documentPdf({ numberNotation: '33/UBND-VP' }) }] });
  await waitForMessages(to, 3);

  const report = await runIntakeCycle(ta.app, ta.config.agencies[0]!);
  t.is(report.failed.length, 0, JSON.stringify(report.failed));
  t.deepEqual(report.processed.map(p => p.outcome).sort(), ['refused', 'refused', 'registered'], JSON.stringify(report.processed));
  const entries = await ta.app.db('register_entries').select('number_notation');
  t.deepEqual(entries.map(e => e.number_notation), ['33/UBND-VP']);
  const reasons = (await ta.app.db('outbox').where({ kind: 'refusal' }).select('message')).map(r => JSON.parse(r.message).text as string).join('\n');
  t.regex(reasons, /"MẬT" \(ở tiêu đề thư\)/u);
  t.regex(reasons, /"TỐI MẬT" \(trong nội dung thư\)/u);
});
