import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBridgeError } from '../../../src/errors.js';
import {
  enhancedStatus,
  failureLine,
  loadSmtpPolicy,
  parseSmtpRules,
  type SmtpFailure,
} from '../../../src/domain/outgoing/smtp-response.js';
import { readSmtpPolicy, SMTP_POLICY_FILE } from '../../../src/config/policies.js';

const fileText = readFileSync(fileURLToPath(new URL('../../../config/smtp-responses.txt', import.meta.url)), 'utf8');
const policy = loadSmtpPolicy(fileText);

const cases: Array<[string, SmtpFailure, 'retry' | 'fail', string, string?]> = [
  // [title, failure, action, category, enhanced status]
  ['user unknown 5.1.1', { responseCode: 550, response: '550 5.1.1 <a@b.gov.vn>: Recipient address rejected: User unknown', code: 'EENVELOPE', command: 'RCPT TO' }, 'fail', 'recipient', '5.1.1'],
  ['user unknown without enhanced code', { responseCode: 550, response: '550 No such user here' }, 'fail', 'recipient'],
  ['reply without its code prefix', { responseCode: 550, response: '5.1.1 User unknown' }, 'fail', 'recipient', '5.1.1'],
  ['domain does not exist', { responseCode: 550, response: '550 5.1.2 Bad destination system address' }, 'fail', 'domain', '5.1.2'],
  ['message too big', { responseCode: 552, response: '552 5.3.4 Message size exceeds fixed limit' }, 'fail', 'message-size', '5.3.4'],
  ['552 too many recipients is transient (RFC 5321 §4.5.3.1.10)', { responseCode: 552, response: '552 Too many recipients' }, 'retry', 'rate-limit'],
  ['552 5.2.2 mailbox full retries', { responseCode: 552, response: '552 5.2.2 Mailbox full' }, 'retry', 'mailbox-full', '5.2.2'],
  ['552 quota text retries', { responseCode: 552, response: '552 Requested mail action aborted: exceeded storage allocation, over quota' }, 'retry', 'mailbox-full'],
  ['spam block 5.7.1', { responseCode: 554, response: '554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org' }, 'fail', 'blocked', '5.7.1'],
  ['DMARC 5.7.26', { responseCode: 550, response: '550 5.7.26 Unauthenticated email is not accepted' }, 'fail', 'authentication', '5.7.26'],
  ['other 5.7.x policy', { responseCode: 550, response: '550 5.7.0 Relaying denied' }, 'fail', 'policy', '5.7.0'],
  ['unknown 5xx fails', { responseCode: 554, response: '554 zzqq totally unknown gibberish' }, 'fail', 'permanent'],
  ['unknown 4xx retries', { responseCode: 499, response: '499 zzqq totally unknown gibberish' }, 'retry', 'transient'],
  ['greylisting 450', { responseCode: 450, response: '450 4.2.0 <a@b.vn>: Recipient address rejected: Greylisted, see http://postgrey' }, 'retry', 'greylisting', '4.2.0'],
  ['4.2.2 mailbox full', { responseCode: 452, response: '452 4.2.2 Mailbox full' }, 'retry', 'mailbox-full', '4.2.2'],
  ['421 closing', { responseCode: 421, response: '421 4.7.0 Try again later, closing connection' }, 'retry', 'unavailable', '4.7.0'],
  ['451 local error', { responseCode: 451, response: '451 4.3.0 Error: queue file write error' }, 'retry', 'transient', '4.3.0'],
  ['auth failed is our problem: retry', { responseCode: 535, response: '535 5.7.8 Error: authentication failed', code: 'EAUTH', command: 'AUTH PLAIN' }, 'retry', 'auth', '5.7.8'],
  ['EAUTH without reply', { code: 'EAUTH', command: 'API' }, 'retry', 'auth'],
  ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }, 'retry', 'network'],
  ['connection refused', { code: 'ECONNECTION' }, 'retry', 'network'],
  ['DNS failure', { code: 'EDNS' }, 'retry', 'network'],
  ['socket error', { code: 'ESOCKET' }, 'retry', 'network'],
  ['TLS', { code: 'ETLS' }, 'retry', 'tls'],
  ['no recipients defined', { code: 'EENVELOPE', command: 'API' }, 'fail', 'envelope'],
  ['unknown error code', { code: 'EWHATEVER' }, 'retry', 'network'],
  ['nothing at all', {}, 'retry', 'network'],
  ['multi-line reply', { responseCode: 550, response: '550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 Please try again' }, 'fail', 'recipient', '5.1.1'],
];

for (const [title, failure, action, category, status] of cases) {
  test(`classify: ${title}`, (t) => {
    const r = policy.classify(failure);
    t.is(r.action, action);
    t.is(r.category, category);
    t.is(r.status, status);
    t.true(r.message.length > 0);
  });
}

test('the app reads the policy shipped with the package (config/smtp-responses.txt)', async (t) => {
  t.is(readFileSync(SMTP_POLICY_FILE, 'utf8'), fileText);
  const shipped = await readSmtpPolicy();
  t.is(shipped.rules.length, policy.rules.length);
  t.true(shipped.rules.length > 10);
  t.is(shipped.classify({ responseCode: 550, response: '550 5.1.1 nope' }).category, 'recipient');
});

test('a missing policy file is a configuration error, not a silent fallback', async (t) => {
  const err = await t.throwsAsync(readSmtpPolicy('/nonexistent/smtp-responses.txt'));
  t.true(isBridgeError(err, 'CONFIG_INVALID'));
  t.regex(err!.message, /cannot read the SMTP reply policy/);
});

test('first match wins and line numbers are reported', (t) => {
  const p = loadSmtpPolicy('# c\n^550,retry,first,A\n^5\\d\\d,fail,second,B\n');
  t.deepEqual(p.classify({ responseCode: 550, response: '550 x' }), { action: 'retry', category: 'first', message: 'A', line: 2 });
  t.is(p.classify({ responseCode: 551, response: '551 x' }).category, 'second');
});

test('regex may contain commas', (t) => {
  const [rule] = parseSmtpRules('^5\\d{2,3} a,b,fail,odd,Message, with comma');
  t.is(rule!.re.source, '^5\\d{2,3} a,b');
  t.is(rule!.message, 'Message, with comma');
});

const badRules: Array<[string, RegExp]> = [
  ['^550,bounce,x,y', /smtp-responses\.txt:1: expected regex,action,category,message/],
  ['# ok\n^(550,fail,x,y', /smtp-responses\.txt:2: bad regex/],
  ['^550,fail,Bad Category,y', /:1: expected/],
];
for (const [text, message] of badRules) {
  test(`parse rejects ${JSON.stringify(text)}`, (t) => {
    const err = t.throws(() => parseSmtpRules(text));
    t.true(isBridgeError(err, 'CONFIG_INVALID'));
    t.regex(err!.message, message);
  });
}

test('failureLine and enhancedStatus', (t) => {
  t.is(failureLine({ responseCode: 550, response: ' 550  5.1.1   x ' }), '550 5.1.1 x');
  t.is(failureLine({ responseCode: 421 }), '421');
  t.is(enhancedStatus('550 5.1.10 Recipient address rejected'), '5.1.10');
  t.is(enhancedStatus('550 version 5.1.1a'), undefined);
});
