/**
 * GMX and WEB.DE: an Exim-like notice ("This message was created automatically by mail delivery
 * software.") ending with "--- The header of the original message is following. ---". The failed
 * address stands quoted on its own line with a colon (`"a@b":`), then "SMTP error from remote
 * server after RCPT command:", "host: …" and the reply. 1&1 / IONOS (same company, one-and-one.ts)
 * shares the layout.
 */
import { ADDR, scan } from './text.js';
import type { BounceView, Finding, Recogniser } from './types.js';

/** The address alone on a line with a colon (quoted or not), and the lines under it. */
export const ADDRESS_BLOCK = new RegExp(String.raw`^[ \t]*"?<?(${ADDR})>?"?:[ \t]*\n([\s\S]*?)(?=\n[ \t]*\n|(?![\s\S]))`, 'gmu');
/** The line that ends the notice's own words at GMX, WEB.DE and 1&1. */
export const UNITED_INTERNET_ORIGINAL = /--- The header of the original message is following\. ---/iu;

/** True when the sender's domain is one of `domains` and the notice has the shared layout. */
export function unitedInternet(v: BounceView, domains: RegExp): boolean {
  const host = v.from.split('@')[1] ?? '';
  return domains.test(host) && (UNITED_INTERNET_ORIGINAL.test(v.full) || /This message was created automatically by mail delivery software/iu.test(v.text));
}

/** The address blocks of the shared layout. */
export function addressBlocks(v: BounceView): Finding[] {
  return scan(v.text, ADDRESS_BLOCK);
}

export const gmx: Recogniser = {
  id: 'gmx',
  family: 'GMX / WEB.DE',
  match: v =>
    unitedInternet(v, /(?:^|\.)(?:gmx\.(?:net|de|at|ch|com)|web\.de|mail\.com)$/iu) ||
    (UNITED_INTERNET_ORIGINAL.test(v.full) && /^[ \t]*"[^"\s]+@[^"\s]+":[ \t]*$/mu.test(v.text)),
  recipients: addressBlocks,
};
