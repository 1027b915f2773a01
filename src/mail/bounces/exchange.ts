/**
 * Microsoft Exchange and Exchange Online non-delivery reports: "Delivery has failed to these
 * recipients or groups:" (2007–2010: "… or distribution lists:"), "Your message to … couldn't be
 * delivered." (2013+), with the remote reply under "Diagnostic information for administrators"
 * ("Remote Server returned '550 5.1.10 …'") or as `#550 5.1.1 … ##`. Delays: "Delivery is delayed
 * to these recipients or groups:".
 */
import { ADDR, diagnosticLine, scan } from './text.js';
import type { BounceView, Finding, Recogniser } from './types.js';

const HEADINGS = new RegExp(
  String.raw`(?:Delivery (?:has failed|is delayed) to these recipients or (?:groups|distribution lists):|The following recipient\(s\) cannot be reached:)\s*\n(?:\s*\n)*\s*(?:[^\n(]*\()?(${ADDR})\)?[^\n]*\n([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)`,
  'giu',
);
const MODERN = new RegExp(String.raw`Your message to (${ADDR}) couldn't be delivered\.?([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)`, 'giu');

/** The reply the administrators' section gives for `address`: the lines after the address alone on a line. */
function adminReply(v: BounceView, address: string): string | null {
  const i = v.text.search(/Diagnostic information for administrators/iu);
  if (i < 0) return null;
  const section = v.text.slice(i);
  const lines = section.split('\n');
  const at = lines.findIndex(l => l.trim().toLowerCase() === address);
  if (at < 0) return diagnosticLine(section);
  return diagnosticLine(lines.slice(at + 1, at + 6).join('\n'));
}

export const exchange: Recogniser = {
  id: 'exchange',
  family: 'Microsoft Exchange / Exchange Online',
  match: v =>
    /Delivery (?:has failed|is delayed) to these recipients or (?:groups|distribution lists)/iu.test(v.text) ||
    /Your message (?:to .* )?couldn't be delivered/iu.test(v.text) ||
    /The following recipient\(s\) cannot be reached/iu.test(v.text) ||
    /^true$/iu.test(v.header('x-ms-exchange-message-is-ndr')),
  recipients: v => {
    const found: Finding[] = [...scan(v.text, HEADINGS), ...scan(v.text, MODERN)];
    const out = found.filter((f, i) => found.findIndex(g => g.address === f.address) === i);
    for (const f of out) f.diagnostic = adminReply(v, f.address) ?? diagnosticLine(f.segment);
    return out;
  },
  delayed: v => /Delivery is delayed to these recipients/iu.test(v.text) || /^Delivery delayed:/iu.test(v.subject),
};
