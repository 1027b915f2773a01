/** What our SMTP adapter writes, read back from the real server: the `Date:` is in Vietnam time. */
import { ImapFlow } from 'imapflow';
import { createSmtpMailer } from '../../src/io/smtp.js';
import { integrationTest } from '../helpers/integration.js';
import { imapClientOptions, waitForMessages } from '../helpers/mailserver.js';
import { AGENCIES, openWorld } from '../helpers/world.js';

const test = await integrationTest();

test.serial('a mail we send carries Date: in +0700', async t => {
  const ta = (t.context.t = await openWorld(['soyte'], { server: true }));
  const mailer = createSmtpMailer(ta.agency('soyte'));
  try {
    await mailer.send({
      from: { name: AGENCIES.soyte.name, address: AGENCIES.soyte.email },
      to: AGENCIES.ubnd.email,
      subject: 'Thử ngày giờ',
      messageId: '<date-test@edoc.vinhlong.test>',
      date: new Date('2026-12-01T19:05:09Z'),
      text: 'Kính gửi.',
      headers: {},
      attachments: [],
    });
  } finally {
    mailer.close();
  }
  await waitForMessages(AGENCIES.ubnd.email, 1);
  const client = new ImapFlow(imapClientOptions(AGENCIES.ubnd.email));
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const msg = await client.fetchOne('*', { source: true });
    const source = msg && msg.source ? msg.source.toString('utf8') : '';
    t.regex(source, /^Date: Wed, 02 Dec 2026 02:05:09 \+0700\r?$/m);
  } finally {
    await client.logout();
  }
});
