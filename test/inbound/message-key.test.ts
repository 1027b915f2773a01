import test from 'ava';
import { contentKey, messageKey, rawMessageId } from '../../src/inbound/message-key.js';
import { normalizeMessageId } from '../../src/mail/headers.js';

const body = 'Subject: Công văn\r\nFrom: a@b.vn\r\n\r\nNội dung\r\n';

test('the Message-ID is the key, normalised with angle brackets', t => {
  t.is(normalizeMessageId(' abc@x.vn '), '<abc@x.vn>');
  t.is(normalizeMessageId('<abc@x.vn>'), '<abc@x.vn>');
  t.is(normalizeMessageId('<>'), null);
  t.is(normalizeMessageId(''), null);
  t.is(rawMessageId(Buffer.from('Message-ID:\r\n <folded@x.vn>\r\nSubject: s\r\n\r\nb')), '<folded@x.vn>');
  t.deepEqual(messageKey(Buffer.from('Message-Id: <k@x.vn>\r\n' + body)), { key: '<k@x.vn>', messageId: '<k@x.vn>' });
});

test('without a Message-ID, two deliveries differing only in trace headers share a key', t => {
  const first = Buffer.from('Received: from a by b; Mon, 1 Jan 2026 10:00:00 +0700\r\nReturn-Path: <x@y>\r\nDelivered-To: v@soyte\r\n' + body);
  const second = Buffer.from('Received: from c\r\n by d; Mon, 1 Jan 2026 10:05:00 +0700\r\nX-Original-To: v@soyte\r\n' + body);
  t.is(contentKey(first), contentKey(second));
  t.regex(messageKey(first).key, /^sha256:[0-9a-f]{64}$/);
  t.is(messageKey(first).messageId, null);
});

test('a different body or subject gives a different content key', t => {
  t.not(contentKey(Buffer.from(body)), contentKey(Buffer.from(body.replace('Nội dung', 'Nội dung khác'))));
  t.not(contentKey(Buffer.from(body)), contentKey(Buffer.from(body.replace('Công văn', 'Quyết định'))));
});
