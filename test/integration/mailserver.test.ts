/**
 * End-to-end check of the test mail server (scripts/mailserver.sh): submission with STARTTLS+AUTH,
 * delivery through Postfix → LMTP → Dovecot, read back over IMAPS, and RCPT-time refusals.
 * Does not reset mailboxes: the default instance is shared, so messages are found by Message-ID.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import {
  countMessages,
  imapClientOptions,
  mailServerTest,
  mailUser,
  requireMailServer,
  smtpInjectOptions,
  smtpSubmissionOptions,
  waitForMessages,
} from '../helpers/mailserver.js';

const mailTest = await mailServerTest(test);

const SENDER = 'vanthu@soyte.vinhlong.test';
const RECIPIENT = 'vanthu@ubnd.vinhlong.test';
const SUBJECT = 'Công văn số 1123/QĐ-UBND về việc gửi, nhận văn bản điện tử — Sở Y tế tỉnh Vĩnh Long';
const FILENAME = 'Quyết định 1123-QĐ-UBND.pdf';

mailTest('the mail server helper points at a configured instance', async (t) => {
  const ms = await requireMailServer(t);
  if (!ms) return;
  t.true(ms.users.some((u) => u.address === SENDER), `${SENDER} must be a mailbox (MAILSRV_USERS)`);
  t.true(ms.users.some((u) => u.address === RECIPIENT), `${RECIPIENT} must be a mailbox (MAILSRV_USERS)`);
  t.true(ms.ca.toString('ascii').includes('BEGIN CERTIFICATE'));
});

/** A PDF-like attachment: %PDF header, random body, %%EOF trailer. */
function pdfLike(size: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size), Buffer.from('\n%%EOF\n')]);
}

/** nodemailer's envelope error carries the SMTP reply of the refused RCPT. */
interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
}

mailTest('submission (STARTTLS+AUTH) → Dovecot → IMAPS keeps subject and attachment bytes', async (t) => {
  const ms = await requireMailServer(t);
  if (!ms) return;
  const pdf = pdfLike(256 * 1024);
  const messageId = `<${randomUUID()}@soyte.vinhlong.test>`;

  const transport = nodemailer.createTransport(smtpSubmissionOptions(SENDER));
  try {
    const info = await transport.sendMail({
      from: { name: 'Văn thư Sở Y tế', address: SENDER },
      to: RECIPIENT,
      subject: SUBJECT,
      messageId,
      text: 'Kính gửi UBND tỉnh: Sở Y tế gửi kèm công văn.',
      attachments: [{ filename: FILENAME, content: pdf, contentType: 'application/pdf' }],
    });
    t.deepEqual(info.accepted, [RECIPIENT]);
    t.deepEqual(info.rejected, []);
  } finally {
    transport.close();
  }

  const client = new ImapFlow(imapClientOptions(RECIPIENT));
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      // Delivery is asynchronous (queue → LMTP); poll the search by Message-ID. NOOP makes Dovecot
      // rescan the maildir (SEARCH alone syncs "fast" and may not see the new file for seconds).
      let uids: number[] = [];
      for (let i = 0; i < 100 && uids.length === 0; i++) {
        await client.noop();
        const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
        uids = found || [];
        if (uids.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      t.is(uids.length, 1, `message ${messageId} should arrive exactly once in ${RECIPIENT}'s INBOX`);
      const msg = await client.fetchOne(String(uids[0]), { source: true }, { uid: true });
      t.truthy(msg && msg.source, 'FETCH should return the message source');
      if (!msg || !msg.source) return;
      const parsed = await simpleParser(msg.source);
      t.is(parsed.subject, SUBJECT);
      t.is(parsed.messageId, messageId);
      t.is(parsed.attachments.length, 1);
      const att = parsed.attachments[0]!;
      t.is(att.filename, FILENAME);
      t.is(att.contentType, 'application/pdf');
      t.true(Buffer.compare(att.content, pdf) === 0, 'attachment bytes must round-trip unchanged');
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
});

mailTest('unknown local recipient is refused at RCPT with 550 5.1.1 (submission)', async (t) => {
  const ms = await requireMailServer(t);
  if (!ms) return;
  const transport = nodemailer.createTransport(smtpSubmissionOptions(SENDER));
  try {
    const err = await t.throwsAsync<Error & SmtpError>(
      transport.sendMail({ from: SENDER, to: 'khongton@ubnd.vinhlong.test', subject: 'Thử', text: 'x' }),
    );
    t.is(err?.code, 'EENVELOPE');
    t.is(err?.responseCode, 550);
    t.regex(err?.response ?? '', /^550 5\.1\.1 /);
  } finally {
    transport.close();
  }
});

mailTest('MX-like port 12525: unknown user 550 5.1.1, external relay refused, local user delivered', async (t) => {
  const ms = await requireMailServer(t);
  if (!ms) return;
  const transport = nodemailer.createTransport(smtpInjectOptions());
  try {
    const unknown = await t.throwsAsync<Error & SmtpError>(
      transport.sendMail({ from: 'x@example.org', to: 'khongton@stc.vinhlong.test', subject: 'a', text: 'b' }),
    );
    t.is(unknown?.responseCode, 550);
    t.regex(unknown?.response ?? '', /^550 5\.1\.1 /);

    const relay = await t.throwsAsync<Error & SmtpError>(
      transport.sendMail({ from: 'x@example.org', to: 'someone@example.org', subject: 'a', text: 'b' }),
    );
    t.is(relay?.responseCode, 554);

    const target = mailUser('giamdoc@soyte.vinhlong.test');
    const before = await countMessages(target);
    const info = await transport.sendMail({ from: 'x@example.org', to: target.address, subject: 'Kiểm tra', text: 'ok' });
    t.deepEqual(info.accepted, [target.address]);
    // Others may deliver to the shared instance too, hence "at least".
    t.true((await waitForMessages(target, before + 1, 10_000)) >= before + 1);
  } finally {
    transport.close();
  }
});

mailTest('a wrong password is refused and does not slow down the next logins (no auth penalty)', async (t) => {
  const ms = await requireMailServer(t);
  if (!ms) return;
  const user = mailUser(SENDER);
  const bad = nodemailer.createTransport({ ...smtpSubmissionOptions(user), auth: { user: user.address, pass: 'sai-mat-khau' } });
  const err = await t.throwsAsync<Error & SmtpError>(bad.verify());
  t.is(err?.code, 'EAUTH');
  bad.close();
  // The next login works…
  const client = new ImapFlow(imapClientOptions(user));
  await client.connect();
  try {
    t.truthy(client.authenticated);
  } finally {
    await client.logout();
  }
  // …and is not slowed down: no failure delay, and no anvil penalty socket (Dovecot's auth process
  // then skips the 2..15 s penalty, src/auth/auth-penalty.h). Checked as configuration, not as time.
  const doveconf = (key: string) => execFileSync('doveconf', ['-c', ms.dovecotConf, '-h', key], { encoding: 'utf8' }).trim();
  t.is(doveconf('auth_failure_delay'), '0');
  t.false(existsSync(path.join(doveconf('base_dir'), 'anvil-auth-penalty')));
});
