import test from 'ava';
import { parseMail } from '../../src/mail/parse.js';
import { classify } from '../../src/mail/classify.js';
import { parseDeliveryReport, parseDsnFields, statusFrom } from '../../src/mail/delivery-report.js';
import { parseReadReceipt } from '../../src/mail/read-receipt.js';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/gu, '\r\n'));

test('DSN fields: several recipients, actions, status from the diagnostic (phrase table) when Status is missing', t => {
  const r = parseDsnFields(`Reporting-MTA: dns; mx.example.vn
Original-Envelope-Id: env-1

Final-Recipient: rfc822; A@x.vn
Action: delivered
Status: 2.0.0

Final-Recipient: rfc822; b@x.vn
Action: relayed
Status: 2.0.0

Final-Recipient: rfc822; c@x.vn
Action: failed
Diagnostic-Code: smtp; 552 mailbox full

Original-Recipient: rfc822; d@x.vn
Action: expanded
Status: 2.0.0
`);
  t.is(r.originalEnvelopeId, 'env-1');
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status]), [
    ['a@x.vn', 'delivered', '2.0.0'], ['b@x.vn', 'relayed', '2.0.0'], ['c@x.vn', 'failed', '5.2.2'], ['d@x.vn', 'expanded', '2.0.0'],
  ]);
  t.is(r.recipients[2]!.diagnostic, '552 mailbox full');
});

test('statusFrom', t => {
  t.is(statusFrom('550 5.7.1 relay denied'), '5.7.1');
  t.is(statusFrom('451 try later'), '4.0.0');
  t.is(statusFrom('no code'), null);
});

test('Sendmail bounce without a DSN part', async t => {
  const m = await parseMail(crlf(`From: Mail Delivery Subsystem <MAILER-DAEMON@mail.x.vn>
To: vanthu@vinhlong.gov.vn
Subject: Returned mail: see transcript for details
Message-ID: <sm-1@mail.x.vn>

The original message was received at Wed, 15 May 2019 10:00:00 +0700

   ----- The following addresses had permanent fatal errors -----
<nobody@x.vn>
    (reason: 550 5.1.1 <nobody@x.vn>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.x.vn.:
>>> RCPT To:<nobody@x.vn>
<<< 550 5.1.1 <nobody@x.vn>... User unknown

   ----- Original message follows -----
Message-ID: <doc-9@edoc.vinhlong.gov.vn>
`));
  t.is(classify(m).kind, 'delivery-report');
  const r = parseDeliveryReport(m)!;
  t.is(r.originalMessageId, '<doc-9@edoc.vinhlong.gov.vn>');
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status]), [['nobody@x.vn', 'failed', '5.1.1']]);
});

test('Exim delay warning', async t => {
  const m = await parseMail(crlf(`From: Mail Delivery System <Mailer-Daemon@mx.x.vn>
To: vanthu@vinhlong.gov.vn
Subject: Warning: message 1hQ-000 delayed 24 hours
Auto-Submitted: auto-replied
X-Failed-Recipients: slow@y.vn

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.x.vn.

  slow@y.vn
    host mx.y.vn [192.0.2.1]
    451 4.4.1 connection timed out

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered.
`));
  t.is(classify(m).kind, 'delivery-report');
  const r = parseDeliveryReport(m)!;
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status]), [['slow@y.vn', 'delayed', '4.4.1']]);
});

test('automatic MDN: processed', async t => {
  const m = await parseMail(crlf(`From: he-thong@x.vn
To: vanthu@vinhlong.gov.vn
Subject: Disposition notification
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="b"

--b
Content-Type: text/plain

processed
--b
Content-Type: message/disposition-notification

Reporting-UA: he-thong.x.vn; edoc
Final-Recipient: rfc822; vanthu@x.vn
Original-Message-ID: doc-5@edoc.vinhlong.gov.vn
Disposition: automatic-action/MDN-sent-automatically; processed
--b--
`));
  t.is(classify(m).kind, 'read-receipt');
  const r = parseReadReceipt(m)!;
  t.deepEqual(r, {
    originalMessageId: '<doc-5@edoc.vinhlong.gov.vn>', finalRecipient: 'vanthu@x.vn', originalRecipient: null, disposition: 'processed',
    actionMode: 'automatic-action', sendingMode: 'MDN-sent-automatically', reportingUa: 'he-thong.x.vn; edoc',
  });
});

test('Postfix human part alone (DSN part stripped by a relay)', async t => {
  const m = await parseMail(crlf(`From: MAILER-DAEMON@mail.x.vn (Mail Delivery System)
To: vanthu@vinhlong.gov.vn
Subject: Undelivered Mail Returned to Sender
Message-ID: <pf-1@mail.x.vn>

This is the mail system at host mail.x.vn.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<nohope@y.vn>: host mx.y.vn[10.0.0.25] said: 550
    5.1.1 <nohope@y.vn>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

<full@y.vn>: host mx.y.vn[10.0.0.25] said: 452 4.2.2 Mailbox full (in reply
    to RCPT TO command)
`));
  t.is(classify(m).kind, 'delivery-report');
  const r = parseDeliveryReport(m)!;
  t.is(r.source, 'postfix');
  // A non-delivery notice lists only recipients Postfix gave up on: a 4.x.x reply there is the last
  // answer before the queue lifetime ran out, so the recipient failed (delays come as "Delayed Mail").
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status]), [['nohope@y.vn', 'failed', '5.1.1'], ['full@y.vn', 'failed', '4.2.2']]);
});

test('qmail with two recipients: each gets the reply under its own address', async t => {
  const m = await parseMail(crlf(`From: MAILER-DAEMON@mail.x.vn
To: vanthu@vinhlong.gov.vn
Subject: failure notice

Hi. This is the qmail-send program at mail.x.vn.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<mot@y.vn>:
192.0.2.7 does not like recipient.
Remote host said: 550 5.1.1 <mot@y.vn>... User unknown
Giving up on 192.0.2.7.

<hai@y.vn>:
192.0.2.7 does not like recipient.
Remote host said: 552 5.2.2 <hai@y.vn>... Mailbox full
Giving up on 192.0.2.7.

--- Below this line is a copy of the message.
`));
  const r = parseDeliveryReport(m)!;
  t.is(r.recogniser, 'qmail');
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status, x.diagnostic]), [
    ['mot@y.vn', 'failed', '5.1.1', '550 5.1.1 <mot@y.vn>... User unknown'],
    ['hai@y.vn', 'failed', '5.2.2', '552 5.2.2 <hai@y.vn>... Mailbox full'],
  ]);
});

test('GMX with two recipients: each gets the reply of its own block', async t => {
  const m = await parseMail(crlf(`From: "Mail Delivery System" <mailer-daemon@gmx.net>
To: vanthu@vinhlong.gov.vn
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following addresses
failed:

"eins@example.de":
SMTP error from remote server after RCPT command:
host: mx.example.de
5.1.1 <eins@example.de>: Recipient address rejected: User unknown

"zwei@example.de":
SMTP error from remote server after RCPT command:
host: mx.example.de
Postfach voll

--- The header of the original message is following. ---
`));
  const r = parseDeliveryReport(m)!;
  t.is(r.recogniser, 'gmx');
  t.deepEqual(r.recipients.map(x => [x.address, x.action, x.status]), [['eins@example.de', 'failed', '5.1.1'], ['zwei@example.de', 'failed', '5.2.2']]);
});
