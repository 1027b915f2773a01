/**
 * Non-RFC 3464 bounces (docs/mail.md §Non-standard bounces): the wording MTAs put in subjects and bodies.
 * Policy as tables; delivery-report.ts reads recipients and codes, classify.ts uses the markers.
 */

/** Subjects of bounces (English and the Vietnamese localisations of Exchange/Gmail). */
export const BOUNCE_SUBJECTS: readonly RegExp[] = [
  /^undeliver(?:able|ed)\b/iu,
  /\bundeliverable\s*:/iu,
  /^returned mail\b/iu,
  /^mail delivery (?:failed|failure|system|subsystem)\b/iu,
  /^delivery status notification\s*\((?:failure|delay)\)/iu,
  /^delivery (?:failure|has failed|failed|notification)\b/iu,
  /^failure notice\b/iu,
  /^warning: could not send message\b/iu,
  /^(?:không gửi được|không thể gửi|thư không được gửi)\b/iu,
  /^message not delivered\b/iu,
];

/** A body marker per MTA family: when found, the mail is a bounce even without a report part. */
export const BOUNCE_BODY_MARKERS: ReadonlyArray<{ mta: string; marker: RegExp }> = [
  { mta: 'qmail', marker: /Hi\. This is the qmail-send program/u },
  { mta: 'exim', marker: /This message was created automatically by mail delivery software/iu },
  { mta: 'sendmail', marker: /-{3,}\s*Transcript of session follows\s*-{3,}/iu },
  { mta: 'exchange', marker: /Delivery has failed to these recipients or groups/iu },
  { mta: 'exchange', marker: /Your message (?:to .* )?couldn't be delivered/iu },
  { mta: 'gmail', marker: /Address not found[\s*]*\n[\s\S]*?(?:wasn't delivered|couldn't be found)/iu },
  { mta: 'gmail', marker: /Delivery incomplete[\s*]*\n[\s\S]*?problem delivering your message/iu },
  { mta: 'postfix', marker: /This is the mail system at host/iu },
  { mta: 'postfix', marker: /I'm sorry to have to inform you that your message could not\s+be delivered/iu },
  { mta: 'generic', marker: /(?:could not be delivered|was not delivered|delivery to the following recipients? failed|permanent (?:fatal )?error)/iu },
];

/** The MTA family whose marker appears in `text`, or null. */
export function bounceMarker(text: string): string | null {
  return BOUNCE_BODY_MARKERS.find(b => b.marker.test(text))?.mta ?? null;
}

/** True when the subject reads like a bounce. */
export function isBounceSubject(subject: string): boolean {
  return BOUNCE_SUBJECTS.some(r => r.test(subject.trim()));
}
