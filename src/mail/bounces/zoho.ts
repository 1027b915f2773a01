/**
 * Zoho Mail: an Exim-like opening, then one line per recipient: the address followed by the
 * reason on the same line, with the remote codes written as "ERROR_CODE :550, ERROR_CODE :5.1.1 …".
 * Delay notices say "Message will be retried for N more day(s)". Zoho marks its mail with
 * `X-ZohoMail*` headers.
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const zoho: Recogniser = {
  id: 'zoho',
  family: 'Zoho Mail',
  match: v =>
    (/(?:^|\.)zoho(?:mail)?\.(?:com|eu|in|com\.au|jp)$/iu.test(v.from.split('@')[1] ?? '') || Object.keys(v.mail.headers).some(h => h.startsWith('x-zohomail'))) &&
    (/ERROR_CODE\s*:/u.test(v.text) || /This message was created automatically by mail delivery/iu.test(v.text)),
  // "ERROR_CODE :550, ERROR_CODE :5.1.1 <a>... User unknown" → the codes without the labels.
  recipients: v =>
    scan(v.text, new RegExp(String.raw`^[ \t]*<?(${ADDR})>?[ \t,]+(\S.*)$`, 'gmu')).map(f => ({ ...f, diagnostic: f.segment.replace(/ERROR_CODE\s*:\s*/gu, '').replace(/,\s*(?=[45]\.\d)/u, ' ') })),
  delayed: v => /Message will be retried for/iu.test(v.text) || /has been delayed/iu.test(v.text),
};
