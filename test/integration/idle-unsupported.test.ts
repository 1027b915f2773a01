/**
 * A mailbox on a server without IDLE (docs/mail.md §IDLE and polling): the real Dovecot behind a
 * small TCP relay that takes IDLE out of its CAPABILITY answers, as a server without IDLE answers.
 * The service logs IDLE_UNSUPPORTED (not IDLE_START) and polls the mailbox on its own
 * schedule; the same relay passing CAPABILITY unchanged gives IDLE_START (so the relay is not
 * what breaks IDLE).
 */
import anyTest from 'ava';
import { startService } from '../../src/service.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { imapRelay, withoutIdle } from '../helpers/imap-relay.js';
import { pollTimers } from '../helpers/poll-timers.js';
import { mailServerTest, requireMailServer, resetMailboxes, waitForMessages } from '../helpers/mailserver.js';
import { AGENCIES, openWorld } from '../helpers/world.js';

const test = await mailServerTest(anyTest);

test.before(async t => {
  await requireMailServer(t);
});


for (const strip of [true, false]) {
  test.serial(strip ? 'no IDLE offered: IDLE_UNSUPPORTED, and mail is taken in by the mailbox’s own poll' : 'the same relay with IDLE offered: IDLE_START', async t => {
    await resetMailboxes();
    const r = await imapRelay(strip ? { rewrite: withoutIdle } : {});
    const soyte = AGENCIES.soyte;
    const w = await openWorld(['soyte'], {
      server: true,
      overrides: { http: { port: 0 } },
      agency: { soyte: { imap: { host: '127.0.0.1', port: r.port, secure: false, starttls: false, allowCleartext: true, user: soyte.email, passwordEnv: soyte.env, pollSeconds: 9 } } },
    });
    const p = pollTimers();
    const stop = await startService(w.app, { timers: p.timers, web: false, cron: false });
    try {
      const settle = async (until: () => boolean | Promise<boolean>, ms = 20_000) => {
        for (let i = 0; i < ms / 50 && !(await until()); i++) await new Promise(res => setTimeout(res, 50));
      };
      const events = () => w.log.lines.filter(l => l.agency === soyte.code).map(l => l.event);
      await settle(() => events().includes('IDLE_UNSUPPORTED') || events().includes('IDLE_START'));
      if (!strip) {
        t.true(events().includes('IDLE_START'));
        t.false(events().includes('IDLE_UNSUPPORTED'));
        return;
      }
      t.true(events().includes('IDLE_UNSUPPORTED'));
      t.false(events().includes('IDLE_START'));
      t.true(p.has(9000), 'polled every imap.pollSeconds');
      await settle(() => events().includes('INTAKE_CYCLE')); // the first cycle at start
      const cyclesBefore = events().filter(e => e === 'INTAKE_CYCLE').length;
      await sendMail(AGENCIES.ubnd.email, soyte.email, { subject: 'Công văn số 12/UBND-VP', attachments: [{ filename: 'cv12.pdf', content: await documentPdf({ numberNotation: '12/UBND-VP' }) }] });
      await waitForMessages(soyte.email, 1);
      await new Promise(res => setTimeout(res, 1500));
      t.is(events().filter(e => e === 'INTAKE_CYCLE').length, cyclesBefore, 'no IDLE: nothing happens until the poll');
      p.fire(9000);
      await settle(async () => Number((await w.app.db('register_entries').count('* as n'))[0]!.n) === 1);
      t.is(Number((await w.app.db('register_entries').count('* as n'))[0]!.n), 1, 'taken in by the poll');
    } finally {
      await stop();
      await w.close();
      await r.close();
    }
  });
}
