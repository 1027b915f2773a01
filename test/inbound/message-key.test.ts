import test from 'ava';
import { contentKey, contentKeyOfStream, messageKey, rawMessageId } from '../../src/inbound/message-key.js';
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

test('the content key of a mail read as a stream is the one of its bytes, wherever the chunks split the header block', async t => {
  const raw = Buffer.from('Received: from a by b; Mon, 1 Jan 2026 10:00:00 +0700\r\nSubject: s\r\nMessage-ID: <m@x.vn>\r\n\r\n' + 'Nội dung dài\r\n'.repeat(5000));
  for (const size of [1, 7, 64, 4096, raw.length]) {
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < raw.length; i += size) yield raw.subarray(i, i + size);
    }
    t.is(await contentKeyOfStream(chunks()), contentKey(raw), `chunks of ${size}`);
  }
  const lf = Buffer.from('Subject: s\n\nbody\n');
  t.is(await contentKeyOfStream((async function* () { yield lf; })()), contentKey(lf));
});
