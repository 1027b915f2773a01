/**
 * MXLogic (McAfee / Trellix Email Protection, hosted filtering): an Exim-derived notice with the
 * `X-MXL-Hash` / `X-MX-Bounce` headers. A failed address may be indented and bracketed with its
 * reason on the same line (`  <a>: 550 …`), or on its own with the reply on the lines below.
 */
import { ADDR, cleanAddress } from './text.js';
import type { Finding, Recogniser } from './types.js';

const LINE = new RegExp(String.raw`^[ \t]+<?(${ADDR})>?:?[ \t]*(.*)\n((?:[ \t]{3,}.*(?:\n|$))*)`, 'gmu');

export const mxlogic: Recogniser = {
  id: 'mxlogic',
  family: 'MXLogic (McAfee / Trellix hosted filtering)',
  match: v => /mxlogic\.net$/iu.test(v.from) || ['x-mxl-hash', 'x-mxl-notehash', 'x-mx-bounce'].some(h => v.header(h) !== ''),
  recipients: v => {
    const out: Finding[] = [];
    for (const m of `${v.text}\n`.matchAll(LINE)) {
      const address = cleanAddress(m[1]!);
      if (!address || out.some(f => f.address === address)) continue;
      out.push({ address, segment: `${m[2] ?? ''}\n${m[3] ?? ''}`.trim() });
    }
    return out;
  },
};
