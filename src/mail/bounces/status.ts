/**
 * Status codes of a failed or delayed recipient (docs/mail.md §Bounces and delivery reports). In order:
 * the DSN `Status` field (RFC 3464 §2.3.4), else the diagnostic (an RFC 3463 enhanced code, else
 * the phrase table, else the SMTP reply code mapped to its class as RFC 3463 §2 suggests: the
 * first digit of a reply is the class of the enhanced code, 4 transient, 5 permanent), else the
 * bounce's own words about that recipient, else a default from what the notice is (a delay is 4.4.7).
 */
import { findPhrase } from './phrases.js';

/**
 * An RFC 3463 code `class.subject.detail`, not part of a longer dotted number (an IP address such as
 * 5.6.7.8 or a version such as 2.1.10.4 is not a status).
 */
const ENHANCED = /(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/u;
/** An SMTP reply code (RFC 5321 §4.2) at the start of a reply or after punctuation. */
const REPLY = /(?<![\w.:/])([45])\d\d(?![\w.]*\d)(?=[\s\-'"):;,]|$)/u;

/** The first enhanced status code in `text`, or null. */
export function enhancedCode(text: string | null | undefined): string | null {
  return text ? (ENHANCED.exec(text)?.[0] ?? null) : null;
}

/** The class ('4' or '5') of the first SMTP reply code in `text`, or null. */
export function replyClass(text: string | null | undefined): '4' | '5' | null {
  return text ? ((REPLY.exec(text)?.[1] as '4' | '5' | undefined) ?? null) : null;
}

/** A status read from words only: the phrase table, class from `cls` or the phrase's default. */
export function phraseCode(text: string | null | undefined, cls: '4' | '5' | null): string | null {
  const hit = text ? findPhrase(text) : null;
  return hit ? `${cls ?? hit.phrase.defaultClass}.${hit.phrase.detail}` : null;
}

/** An RFC 3463 code from a diagnostic: enhanced code, else phrase, else the reply code's class (550 → 5.0.0). */
export function statusFrom(diagnostic: string): string | null {
  const cls = replyClass(diagnostic);
  return enhancedCode(diagnostic) ?? phraseCode(diagnostic, cls) ?? (cls ? `${cls}.0.0` : null);
}

export type StatusInput = {
  /** The DSN Status field, when there is one. */
  field?: string | null;
  /** The DSN Diagnostic-Code, or the reply line a recogniser picked. */
  diagnostic?: string | null;
  /** The bounce's words about this recipient (its segment), then wider text. */
  texts?: ReadonlyArray<string | null | undefined>;
  /** Class the context gives: '4' for a delay notice, from the Action field; null when unknown. */
  cls?: '4' | '5' | null;
  /** Used when nothing else gives a code (a delay notice says 4.4.7). */
  fallback?: string | null;
};

/** Resolve one recipient's status (see the module comment for the order). */
export function resolveStatus(s: StatusInput): string | null {
  const field = enhancedCode(s.field);
  // X.0.0 is "other or undefined" (RFC 3463 §3.1): a more specific code of the same class in the
  // diagnostic is the better answer (some servers, Amazon SES among them, write 5.0.0 in the field
  // and 5.1.1 in the diagnostic).
  if (field && !/\.0\.0$/u.test(field)) return field;
  // The class: the field's, else the quoted reply's, else the context's (a reply code is more direct
  // than the kind of notice it is quoted in).
  const known = (field?.[0] as '4' | '5' | undefined) ?? replyClass(s.diagnostic);
  const sources = [s.diagnostic, ...(s.texts ?? [])].filter((t): t is string => !!t && t.trim() !== '');
  for (const text of sources) {
    const e = enhancedCode(text);
    if (e && (!field || e[0] === field[0])) return e;
    const p = phraseCode(text, known ?? replyClass(text) ?? s.cls ?? null);
    if (p) return p;
  }
  if (field) return field;
  for (const text of sources) {
    const c = replyClass(text);
    if (c) return `${known ?? c}.0.0`;
  }
  return s.fallback ?? null;
}
