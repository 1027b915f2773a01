/**
 * Amazon SES and Amazon WorkMail. SES's earlier text-only notice: "The following message to <a>
 * was undeliverable. The reason for the problem: 5.1.0 - Unknown address error 550-'5.1.1 …'"; the
 * code of the remote server is the one inside the quotes. The current notices of both (WorkMail
 * marks its own with `X-Mailer: Amazon WorkMail`) say "An error occurred while trying to deliver
 * the mail to the following recipients:" and list the addresses, usually with an RFC 3464 part.
 */
import { ADDR, after, cleanAddress, scan } from './text.js';
import type { BounceView, Finding, Recogniser } from './types.js';

const ERROR_LIST = /An error occurred while trying to deliver the mail to the following recipients?:[ \t]*\n/iu;
const OLD = new RegExp(String.raw`The following message to <(${ADDR})> was undeliverable\.([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)`, 'iu');

/** "550-'5.1.1 <a>... User Unknown'" → "550 5.1.1 <a>... User Unknown": the remote reply SES quotes. */
function quotedReply(segment: string): string | null {
  const m = /\b([45]\d\d)[- ]'([^'\n]+)'/u.exec(segment);
  if (m) return `${m[1]} ${m[2]!.trim()}`;
  const reason = /The reason for the problem:\s*\n?\s*(.+)/iu.exec(segment);
  return reason ? reason[1]!.trim() : null;
}

/** Addresses listed one per line after "An error occurred …", with the rest of the text as their words. */
function listed(v: BounceView): Finding[] {
  const list = after(v.text, ERROR_LIST, /\n[ \t]*\n/u) ?? '';
  const rest = (after(v.text, ERROR_LIST) ?? '').slice(list.length).trim();
  const out: Finding[] = [];
  for (const line of list.split('\n')) {
    const address = cleanAddress(line);
    if (address) out.push({ address, segment: rest });
  }
  return out;
}

export const amazonSes: Recogniser = {
  id: 'amazon-ses',
  family: 'Amazon SES',
  match: v => OLD.test(v.text) || (/amazonses\.com$/iu.test(v.from) && ERROR_LIST.test(v.text) && !/Amazon WorkMail/iu.test(v.header('x-mailer'))),
  recipients: v => {
    const old = scan(v.text, OLD).map(f => ({ ...f, diagnostic: quotedReply(f.segment) }));
    return old.length > 0 ? old : listed(v);
  },
};

export const amazonWorkmail: Recogniser = {
  id: 'amazon-workmail',
  family: 'Amazon WorkMail',
  match: v => /Amazon WorkMail/iu.test(`${v.header('x-mailer')} ${v.header('x-original-mailer')}`),
  recipients: listed,
};
