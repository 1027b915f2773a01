/**
 * MailMarshal SMTP (Trustwave): subject `Undeliverable Mail: "…"`, "Your message:" with the original
 * sender and subject, "Could not be delivered because of" and the reason, then "The following
 * recipients were affected:" and the addresses, indented, one per line.
 */
import { ADDR, after, cleanAddress } from './text.js';
import type { Finding, Recogniser } from './types.js';

const REASON = /Could not be delivered because of[ \t]*\n/iu;
const AFFECTED = /The following recipients were affected:?[ \t]*\n/iu;

export const mailmarshal: Recogniser = {
  id: 'mailmarshal',
  family: 'MailMarshal SMTP (Trustwave)',
  match: v => /^\s*Your message:/imu.test(v.text) && REASON.test(v.text) && AFFECTED.test(v.text),
  recipients: v => {
    const reason = (after(v.text, REASON, AFFECTED) ?? '').trim();
    const list = after(v.text, AFFECTED, /\n[ \t]*\n/u) ?? '';
    const out: Finding[] = [];
    for (const m of list.matchAll(new RegExp(String.raw`^[ \t]*<?(${ADDR})>?`, 'gmu'))) {
      const address = cleanAddress(m[1]!);
      if (address && !out.some(f => f.address === address)) out.push({ address, segment: reason });
    }
    return out;
  },
};
