/**
 * m-FILTER (Digital Arts, a Japanese mail gateway; `X-Mailer: m-FILTER`, subject "failure notice"):
 * Japanese wording, the failed address alone on a line, then "-------server message" with the remote
 * reply (or m-FILTER's own words, in the phrase table) and "-------SMTP command", before
 * "-------original message".
 */
import { ADDR, after, cleanAddress } from './text.js';
import type { Finding, Recogniser } from './types.js';

export const mfilter: Recogniser = {
  id: 'mfilter',
  family: 'm-FILTER (Digital Arts)',
  match: v => /m-FILTER/u.test(v.header('x-mailer')) || /「m-FILTER」/u.test(v.text),
  recipients: v => {
    const head = v.text.split(/^-{5,}\s*(?:server message|SMTP command)/mu)[0] ?? '';
    const reply = (after(v.text, /^-{5,}\s*server message[ \t]*\n/mu, /^-{5,}/mu) ?? '').trim();
    const out: Finding[] = [];
    for (const m of head.matchAll(new RegExp(String.raw`^[ \t]*<?(${ADDR})>?[ \t]*$`, 'gmu'))) {
      const address = cleanAddress(m[1]!);
      if (address && address !== v.from && !out.some(f => f.address === address)) out.push({ address, segment: reply });
    }
    return out;
  },
  delayed: () => false,
};
