/**
 * Trend Micro InterScan Messaging Security (IMSS / IMSVA): "Unable to deliver message to <a>." (with
 * "(and other recipients in the same domain)" when it grouped them), and the SMTP dialogue it had:
 * "Sent <<< RCPT TO:<a>" / "Received >>> 550 …". Delay notices say the message "will be retried".
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const trendMicro: Recogniser = {
  id: 'trend-micro',
  family: 'Trend Micro InterScan Messaging Security',
  match: v =>
    /Unable to deliver message to <[^>\s]+@[^>\s]+>/iu.test(v.text) &&
    (/Received >>>/u.test(v.text) || /InterScan|Trend ?Micro|IMSVA|IMSS/iu.test(`${v.header('x-mailer')} ${v.mail.from?.name ?? ''} ${v.text}`)),
  recipients: v => scan(v.text, new RegExp(String.raw`Unable to deliver message to <(${ADDR})>[^\n]*\n([\s\S]*?)(?=\nUnable to deliver message to|$)`, 'giu')),
  delayed: v => /will (?:be retried|retry)/iu.test(v.text) || /delayed/iu.test(v.subject),
};
