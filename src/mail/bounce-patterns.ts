/**
 * Subjects of non-RFC 3464 bounces (anchors of docs/mail.md §Bounces and delivery reports). The body
 * wording of each MTA family lives with its recogniser in `bounces/`; classify.ts uses both.
 */

/** Subjects of bounces and delay notices (English, French, German, and the Vietnamese localisations of Exchange/Gmail). */
export const BOUNCE_SUBJECTS: readonly RegExp[] = [
  /^undeliver(?:able|ed)\b/iu,
  /\bundeliverable\s*:/iu,
  /^returned mail\b/iu,
  /^mail delivery (?:failed|failure|system|subsystem)\b/iu,
  /^delivery status notification\s*(?:\((?:failure|delay)\)|:\s*(?:error|warning|delay|failure))/iu,
  /^delivery (?:failure|has failed|failed|notification|delayed)\b/iu,
  /^delayed mail\b/iu,
  /^message delivery has failed\b/iu,
  /^failure notice\b/iu,
  /^warning: (?:could not send message|message .* delayed)/iu,
  /^(?:không gửi được|không thể gửi|thư không được gửi)\b/iu,
  /^message not delivered\b/iu,
  /^(?:message non (?:délivré|remis|distribué)|non remis|échec de (?:la )?(?:remise|distribution)|remise différée)\b/iu,
  /^(?:unzustellbar|nicht zustellbar|zustellung verzögert)\b/iu,
];

/** True when the subject reads like a bounce. */
export function isBounceSubject(subject: string): boolean {
  return BOUNCE_SUBJECTS.some(r => r.test(subject.trim()));
}
