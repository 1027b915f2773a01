import test from 'ava';
import { isBridgeError } from '../../../src/errors.js';
import { decodePart, encodePart, messageIdFor, parseOurMessageId } from '../../../src/domain/outgoing/message-id.js';

const D = 'bridge.vinhlong.gov.vn';
const O = { domain: D, installation: '0123456789abcdef' };

test('document ids are deterministic and reversible', (t) => {
  const id = messageIdFor('document', { docId: '42', recipient: '000.00.31.H62' }, O);
  t.is(id, '<doc.42.000_00_31_H62.i0123456789abcdef@bridge.vinhlong.gov.vn>');
  t.is(messageIdFor('document', { docId: '42', recipient: '000.00.31.H62' }, O), id);
  t.not(messageIdFor('document', { docId: '42', recipient: '000.00.32.H62' }, O), id);
  t.deepEqual(parseOurMessageId(id, D), { kind: 'document', docId: '42', recipient: '000.00.31.H62' });
  t.deepEqual(parseOurMessageId('<doc.42.000_00_31_H62@bridge.vinhlong.gov.vn>', D), { kind: 'document', docId: '42', recipient: '000.00.31.H62' }, 'ids made before installation ids still parse');
});

const roundTrips = [
  ['status', { docId: '7', recipient: 'G12.34', code: '03' }],
  ['recall', { docId: 'abc-1', recipient: 'van.thu@so.gov.vn', round: '2' }],
  ['notice', { docId: '2026_11' }],
  ['document', { docId: 'Văn bản 1', recipient: 'x=y_z' }],
] as const;
for (const [kind, ids] of roundTrips) {
  test(`round trip ${kind} ${JSON.stringify(ids)}`, (t) => {
    const id = messageIdFor(kind, ids as never, O);
    t.regex(id, /^<[A-Za-z0-9=_.-]+@bridge\.vinhlong\.gov\.vn>$/);
    t.deepEqual(parseOurMessageId(id, D), { kind, ...ids });
    t.deepEqual(parseOurMessageId(` ${id.slice(1, -1).replace('@', '@')} `, 'BRIDGE.vinhlong.gov.vn'), { kind, ...ids });
  });
}

const notOurs: Array<[string, string]> = [
  ['<doc.42.A@other.gov.vn>', 'wrong domain'],
  ['<doc.42@bridge.vinhlong.gov.vn>', 'missing recipient'],
  ['<xyz.42.A@bridge.vinhlong.gov.vn>', 'unknown prefix'],
  ['<doc.42.A=ZZ@bridge.vinhlong.gov.vn>', 'bad escape'],
  ['<doc.42.A=e1@bridge.vinhlong.gov.vn>', 'not UTF-8'],
  ['<CAF=abc@mail.gmail.com>', 'foreign'],
  ['', 'empty'],
];
for (const [id, why] of notOurs) {
  test(`parseOurMessageId rejects ${why}`, (t) => t.is(parseOurMessageId(id, D), null));
}

test('encodePart / decodePart', (t) => {
  t.is(encodePart('a.b_c'), 'a_b=5Fc');
  t.is(decodePart('a_b=5Fc'), 'a.b_c');
  t.is(decodePart('a_b=5fc'), 'a.b_c');
  t.is(decodePart(''), null);
});

test('bad domain and empty parts throw', (t) => {
  t.true(isBridgeError(t.throws(() => messageIdFor('notice', { docId: '1' }, { ...O, domain: 'bad domain' })), 'CONFIG_INVALID'));
  t.true(isBridgeError(t.throws(() => messageIdFor('document', { docId: '', recipient: 'x' }, O)), 'INTERNAL'));
});

test('the same document and recipient in another installation (a fresh database) gets another id', (t) => {
  const ids = { docId: '000.00.31.H62-2026-1', recipient: '000.00.00.H62' };
  const a = messageIdFor('document', ids, O);
  const b = messageIdFor('document', ids, { ...O, installation: 'fedcba9876543210' });
  t.not(a, b);
  t.deepEqual(parseOurMessageId(b, D), { kind: 'document', ...ids });
  t.true(isBridgeError(t.throws(() => messageIdFor('document', ids, { ...O, installation: '' })), 'INTERNAL'), 'no id without an installation');
});
