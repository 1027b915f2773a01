/** Status resolution and the phrase table (docs/mail.md §Bounces and delivery reports, §Phrase table). */
import test from 'ava';
import { PHRASES, findPhrase } from '../../src/mail/bounces/phrases.js';
import { enhancedCode, replyClass, resolveStatus, statusFrom } from '../../src/mail/bounces/status.js';

const enhanced: Array<[string, string | null]> = [
  ['550 5.1.1 user unknown', '5.1.1'],
  ['550-5.7.1 relay denied', '5.7.1'],
  ['(#5.1.2)', '5.1.2'],
  ['Remote Server returned 550 5.1.10 RESOLVER.ADR.RecipientNotFound', '5.1.10'],
  ['host [5.6.7.8] refused', null],
  ['version 2.1.10.4 of the filter', null],
  ['see 4.4.7.', '4.4.7'],
  ['no code here', null],
];
for (const [text, code] of enhanced) test(`enhancedCode(${JSON.stringify(text)})`, t => t.is(enhancedCode(text), code));

const replies: Array<[string, '4' | '5' | null]> = [
  ['550 Requested action not taken', '5'],
  ["error 452-'mailbox full'", '4'],
  ['adresse inconnue (550)', '5'],
  ['port :25 and 2019 and 5500', null],
  ['sent 250 OK', null],
];
for (const [text, cls] of replies) test(`replyClass(${JSON.stringify(text)})`, t => t.is(replyClass(text), cls));

const resolved: Array<[string, Parameters<typeof resolveStatus>[0], string | null]> = [
  ['the DSN field wins', { field: '5.7.1', diagnostic: '550 5.1.1 user unknown' }, '5.7.1'],
  ['a field X.0.0 is refined by the diagnostic', { field: '5.0.0', diagnostic: 'smtp; 550 5.1.1 <a@b.vn>: User unknown' }, '5.1.1'],
  ['a field X.0.0 keeps its class against a diagnostic of another class', { field: '5.0.0', diagnostic: '451 4.3.0 try later' }, '5.0.0'],
  ['a field X.0.0 is refined by a phrase, in its class', { field: '4.0.0', diagnostic: 'Mailbox full' }, '4.2.2'],
  ['no field: the enhanced code of the diagnostic', { diagnostic: '552 5.2.2 over quota' }, '5.2.2'],
  ['no code: the phrase, class from the reply code', { diagnostic: '452 mailbox full' }, '4.2.2'],
  ['no code: the phrase, class from the context', { diagnostic: 'Mailbox full', cls: '5' }, '5.2.2'],
  ['no code, no context: the phrase default', { diagnostic: 'User unknown' }, '5.1.1'],
  ['only a reply code: its class', { diagnostic: '550 Requested action not taken: mailbox unavailable' }, '5.0.0'],
  ['the words of the segment when the diagnostic has none', { diagnostic: null, texts: ['host said: the recipient does not exist', 'Mailbox full'] }, '5.1.1'],
  ['the segment before the wider text', { texts: ['Connection timed out', 'User unknown'], cls: '4' }, '4.4.1'],
  ['a delay notice with nothing else: 4.4.7', { texts: ['Network error on destination MXs'], cls: '4', fallback: '4.4.7' }, '4.4.7'],
  ['nothing at all', {}, null],
];
for (const [name, input, code] of resolved) test(`resolveStatus: ${name}`, t => t.is(resolveStatus(input), code));

test('statusFrom: enhanced, phrase, reply class', t => {
  t.is(statusFrom('550 5.7.1 relay denied'), '5.7.1');
  t.is(statusFrom('552 Message size exceeds fixed maximum message size'), '5.3.4');
  t.is(statusFrom('451 try later'), '4.0.0');
  t.is(statusFrom('no code'), null);
});

/** The wording each family uses, by language, and the code it must give. */
const wording: Array<[string, string]> = [
  ['User unknown in local recipient table', '1.1'],
  ['No such user here', '1.1'],
  ['The email account that you tried to reach does not exist', '1.1'],
  ['utilisateur inconnu', '1.1'],
  ['adresse électronique inexistante', '1.1'],
  ['Empfänger unbekannt', '1.1'],
  ['Host or domain name not found. Name service error', '1.2'],
  ['DNS Error: Domain name not found', '1.2'],
  ['domaine introuvable', '1.2'],
  ['Domain existiert nicht', '1.2'],
  ['宛先ドメインが見つかりません', '1.2'],
  ['Mailbox is full', '2.2'],
  ['user is over quota', '2.2'],
  ['boîte aux lettres pleine', '2.2'],
  ['Postfach voll', '2.2'],
  ['Message size exceeds fixed maximum message size', '3.4'],
  ['message trop volumineux', '3.4'],
  ['Nachricht ist zu groß', '3.4'],
  ['Message rejected as spam', '7.1'],
  ['Relay access denied', '7.1'],
  ['considéré comme spam', '7.1'],
  ['als Spam abgelehnt', '7.1'],
  ['Unrouteable address', '4.4'],
  ['Connection timed out', '4.1'],
  ['connexion refusée', '4.1'],
  ['Verbindung abgelehnt', '4.1'],
  ['Delivery has been delayed', '4.7'],
  ['retry timeout exceeded', '4.7'],
  ['remise différée', '4.7'],
  ['noch nicht zugestellt', '4.7'],
  ['Account disabled', '2.1'],
];
for (const [text, detail] of wording) test(`phrase ${JSON.stringify(text)} → X.${detail}`, t => t.is(findPhrase(text)?.phrase.detail, detail));

test('phrases that are not reasons give nothing', t => {
  for (const text of ['Your message could not be delivered', 'Aucune nouvelle tentative ne sera faite.', 'Kính gửi UBND xã', 'Anti-virus scan done']) t.is(findPhrase(text), null, text);
});

test('the phrase table covers every required meaning in English, French and German', t => {
  for (const meaning of ['mailbox-unknown', 'mailbox-full', 'message-too-large', 'policy', 'host-not-found', 'delayed'] as const) {
    for (const lang of ['en', 'fr', 'de'] as const) t.true(PHRASES.some(p => p.meaning === meaning && p.lang === lang), `${meaning} ${lang}`);
  }
});
