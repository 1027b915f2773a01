/**
 * Sendmail: "----- The following addresses had permanent fatal errors -----" (failed) and
 * "----- The following addresses had transient non-fatal errors -----" (still queued), then the
 * "Transcript of session follows" with the remote replies. Delay warnings carry the banner
 * "THIS IS A WARNING MESSAGE ONLY" and the subject "Warning: could not send message for past …";
 * their transcript says `<address>... Deferred: reason`.
 */
import { ADDR, cleanAddress, diagnosticLine } from './text.js';
import type { DeliveryAction, Finding, Recogniser } from './types.js';

const SECTION = /-+ The following addresses had (permanent fatal|transient non-fatal) errors -+[ \t]*\n([\s\S]*?)(?=\n[ \t]*\n|$)/giu;
const LINE_ADDR = new RegExp(String.raw`^[ \t]*<?(${ADDR})>?`, 'u');

/** Transcript lines about one address: its own `<a>... reason` lines and the reply to its RCPT. */
function transcriptFor(text: string, address: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    const low = l.toLowerCase();
    if (!low.includes(address)) return;
    if (/^\s*>>>\s*RCPT/iu.test(l) && lines[i + 1] && /^\s*<<<\s*[45]\d\d/u.test(lines[i + 1]!)) out.push(lines[i + 1]!.trim());
    else if (!/^\s*>>>/u.test(l)) out.push(l.trim());
  });
  return out.join('\n');
}

export const sendmail: Recogniser = {
  id: 'sendmail',
  family: 'Sendmail',
  match: v => /-{3,}\s*Transcript of session follows\s*-{3,}/iu.test(v.text) || /The following addresses had (?:permanent fatal|transient non-fatal) errors/iu.test(v.text) || /THIS IS A WARNING MESSAGE ONLY/iu.test(v.text),
  recipients: v => {
    const found = new Map<string, Finding>();
    for (const m of v.text.matchAll(SECTION)) {
      const action: DeliveryAction | undefined = /transient/iu.test(m[1]!) ? 'delayed' : undefined;
      let current: Finding | null = null;
      for (const line of m[2]!.split('\n')) {
        const a = /^[ \t]*\(/u.test(line) ? null : LINE_ADDR.exec(line);
        const address = a ? cleanAddress(a[1]!) : null;
        if (address && !found.has(address)) {
          current = { address, segment: '', ...(action ? { action } : {}) };
          found.set(address, current);
        } else if (current) current.segment += `${line.trim()}\n`;
      }
    }
    // A delay warning may list its recipients only in the transcript: "<a>... Deferred: reason".
    for (const m of v.text.matchAll(new RegExp(String.raw`^[ \t]*<(${ADDR})>\.\.\.[ \t]*(.*)$`, 'gmu'))) {
      const address = cleanAddress(m[1]!);
      if (address && !found.has(address)) found.set(address, { address, segment: m[2]!.trim(), ...(/Deferred/iu.test(m[2]!) ? { action: 'delayed' as const } : {}) });
    }
    for (const f of found.values()) {
      const t = transcriptFor(v.text, f.address);
      f.segment = `${f.segment}\n${t}`.trim();
      f.diagnostic = diagnosticLine(f.segment);
    }
    return [...found.values()];
  },
  delayed: v => /THIS IS A WARNING MESSAGE ONLY/iu.test(v.text) || /^Warning: could not send message/iu.test(v.subject),
};
