/**
 * Delay notices: the message is still queued and will be retried, so the recipient is `delayed`,
 * never `failed` (RFC 3464 §2.3.3 Action "delayed"; docs/mail.md §Bounces and delivery reports).
 * The shared wording, used when a recogniser has no rule of its own.
 */
import type { BounceView } from './types.js';

/** Subjects of delay notices (Postfix, Sendmail, Exim, Gmail, OpenSMTPD, and the French and German wording). */
export const DELAY_SUBJECTS: readonly RegExp[] = [
  /^delayed mail\b/iu,
  /^warning: (?:could not send message|message .* delayed)/iu,
  /^delivery status notification\s*[:(]\s*(?:delay|delayed|warning)\b/iu,
  /^(?:delivery|message) delayed\b/iu,
  /^(?:remise|distribution) (?:différée|retardée)\b/iu,
  /^zustellung verzögert\b/iu,
];

/** Body wording of delay notices. */
export const DELAY_WORDING: readonly RegExp[] = [
  /\b(?:this is a )?warning (?:message )?only\b/iu,
  /\bnot yet been delivered\b/iu,
  /\bmessage not yet delivered\b/iu,
  /\bwill (?:be retried|retry|continue trying|continue to try)\b/iu,
  /\bstill (?:being retried|trying)\b/iu,
  /\bdelivery (?:has been |is )?delayed\b/iu,
  /\btemporary (?:problem|failure) (?:delivering|report)\b/iu,
  /\bdelay(?:ed)? (?:notification|in delivery)\b/iu,
  /\bonly a temporary failure\b/iu,
  /(?:n'a pas encore (?:été |pu être )?(?:délivré|remis|distribué)|remise (?:différée|retardée)|(?<!aucune )nouvelle tentative (?:sera|aura))/iu,
  /(?:noch nicht zugestellt|Zustellung verzögert|wird erneut versucht)/iu,
];

/** True when the subject or the bounce's own words say the message is only delayed. */
export function sharedDelayed(v: BounceView): boolean {
  return DELAY_SUBJECTS.some(r => r.test(v.subject.trim())) || DELAY_WORDING.some(r => r.test(v.text));
}
