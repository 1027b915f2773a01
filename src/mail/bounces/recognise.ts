/**
 * Run the recognisers over a bounce and turn what the winner found into delivery-report recipients:
 * the recipient from the text or `X-Failed-Recipients`, the action from the kind of notice (a delay
 * notice is `delayed`, never `failed`), the status from the reply, the phrase table or a default
 * (status.ts). docs/mail.md §Bounces and delivery reports.
 */
import { findPhrase } from './phrases.js';
import { sharedDelayed } from './delay.js';
import { matchingRecognisers } from './registry.js';
import { resolveStatus } from './status.js';
import { cleanAddress, diagnosticLine, MAX_SEGMENT } from './text.js';
import type { BounceView, DeliveryAction, Finding, Recogniser } from './types.js';

export type BounceRecipient = { address: string; action: DeliveryAction; status: string | null; diagnostic: string | null };

export type Recognised = {
  /** Id of the recogniser that found the recipients ('generic' when none did). */
  recogniser: string;
  /** The first family whose wording matched (also when a DSN part gave the recipients). */
  family: string | null;
  delayed: boolean;
  findings: Finding[];
};

/** Which recogniser reads this bounce, and what it found. */
export function recognise(v: BounceView): Recognised {
  const matching = matchingRecognisers(v);
  const family = matching.find(r => r.id !== 'generic') ?? null;
  let winner: Recogniser | null = null;
  let findings: Finding[] = [];
  for (const r of matching) {
    const found = r.recipients(v);
    if (found.length > 0) {
      winner = r;
      findings = found;
      break;
    }
  }
  // Bounded words per recipient: resolving a status reads them several times.
  for (const f of findings) if (f.segment.length > MAX_SEGMENT) f.segment = f.segment.slice(0, MAX_SEGMENT);
  const decider = winner ?? family;
  const delayed = decider?.delayed ? decider.delayed(v) : sharedDelayed(v);
  // X-Failed-Recipients (Exim, Gmail, Exchange and others) names addresses the text may not show.
  for (const h of v.mail.headers['x-failed-recipients'] ?? []) {
    for (const raw of h.split(/[,\s]+/u)) {
      const address = cleanAddress(raw);
      if (address && !findings.some(f => f.address === address)) findings.push({ address, segment: '' });
    }
  }
  return { recogniser: (winner ?? family)?.id ?? 'generic', family: family?.id ?? null, delayed, findings };
}

/** The recipients of a recognised bounce, with action, status and the words that explain it. */
export function bounceRecipients(v: BounceView, r: Recognised): BounceRecipient[] {
  return r.findings.map(f => {
    const action: DeliveryAction = f.action ?? (r.delayed ? 'delayed' : 'failed');
    const diagnostic = f.diagnostic ?? diagnosticLine(f.segment);
    // The whole text speaks for a recipient only when it is the only one (else another's reason leaks in).
    const wide = r.findings.length === 1 ? v.text : null;
    const status = resolveStatus({
      diagnostic,
      texts: [f.segment, wide],
      cls: action === 'delayed' ? '4' : '5',
      fallback: action === 'delayed' ? '4.4.7' : '5.0.0',
    });
    return { address: f.address, action, status, diagnostic: diagnostic ?? explanation(f.segment, wide) };
  });
}

/** The words shown when no reply line was found: the phrase's line, else the segment's first line. */
function explanation(segment: string, wide: string | null): string | null {
  for (const t of [segment, wide]) {
    const hit = t ? findPhrase(t) : null;
    if (hit) return hit.line.slice(0, 300);
  }
  const first = segment.split('\n').map(l => l.trim()).find(Boolean);
  return first ? first.slice(0, 300) : null;
}
