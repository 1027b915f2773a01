/**
 * Google's earlier wording, still sent for Google-hosted domains and by older Google relays: "This
 * is an automatically generated Delivery Status Notification", "Delivery to the following
 * recipient failed permanently:" (or "… has been delayed:"), the recipient indented on its own line,
 * then "Technical details of permanent failure:" / "… of temporary failure:" with the remote reply or
 * a DNS error.
 */
import { ADDR, after, cleanAddress } from './text.js';
import type { Finding, Recogniser } from './types.js';

const LIST = /Delivery to the following recipients? (?:failed permanently|has been delayed|failed temporarily):?[ \t]*\n/iu;
const DETAILS = /Technical details of (?:permanent|temporary) failure:?[ \t]*\n/iu;

export const gmailClassic: Recogniser = {
  id: 'gmail-classic',
  family: 'Google-hosted mail (earlier Google wording)',
  match: v => LIST.test(v.text) || (DETAILS.test(v.text) && /automatically generated Delivery Status Notification/iu.test(v.text)),
  recipients: v => {
    const list = after(v.text, LIST, DETAILS) ?? '';
    const details = (after(v.text, DETAILS) ?? '').trim();
    const out: Finding[] = [];
    for (const m of list.matchAll(new RegExp(String.raw`^[ \t]*<?(${ADDR})>?[ \t]*$`, 'gmu'))) {
      const address = cleanAddress(m[1]!);
      if (address && !out.some(f => f.address === address)) out.push({ address, segment: details });
    }
    return out;
  },
  delayed: v => /Delivery to the following recipients? has been delayed/iu.test(v.text) || /Technical details of temporary failure/iu.test(v.text),
};
