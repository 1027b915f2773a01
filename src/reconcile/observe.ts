/**
 * What a report says, read from its raw mail (pure: ParsedMail in, data out). Two halves: the keys
 * that may lead back to (document, recipient), and the recipient events it carries. Reports come
 * from intake as kinds: status, delivery-report (RFC 3464 incl. message/global-delivery-status, and
 * non-standard bounces), read-receipt (RFC 8098), reply; recall is handled by incoming-recall.ts.
 */
import type { RecipientEvent } from '../domain/outgoing/recipient-state.js';
import { normalizeStatusCode } from '../edxml/codes.js';
import type { ResponseFor } from '../edxml/types.js';
import { parseDeliveryReport } from '../mail/delivery-report.js';
import { findEdxml } from '../mail/edxml-parts.js';
import { decodeXtext } from '../mail/headers.js';
import { parseReadReceipt } from '../mail/read-receipt.js';
import { parseSubject, type SubjectInfo } from '../mail/subject.js';
import type { ParsedMail } from '../mail/types.js';

/** Keys in the matching order of docs/status-codes.md §Matching reports. */
export type ReportKeys = {
  /** Our Message-IDs named by the report itself (a DSN's returned headers). */
  messageIds: string[];
  /** RFC 3464 Original-Envelope-Id, xtext-decoded. */
  envid: string | null;
  /** RFC 8098 Original-Message-ID. */
  originalMessageId: string | null;
  /** In-Reply-To first, then References newest first. */
  replyIds: string[];
  responseFor: ResponseFor | null;
  /** From the subject: the last resort, flagged as a guess. */
  subjectNumberNotation: string | null;
  subjectDate: string | null;
  /** Who sent the report (address), and the edXML From/OrganId when there is one. */
  from: string | null;
  fromOrganId: string | null;
};

/** One event the report carries, optionally about one recipient address. */
export type Observed = {
  event: RecipientEvent;
  /** Recipient address named inside the report (DSN Final-Recipient, MDN Final-Recipient). */
  address: string | null;
  /** edXML status code or RFC 3463 status ('5.1.1'). */
  code: string | null;
  /** The words: DSN diagnostic, refusal reason, status Description. */
  note: string | null;
  /** Read from free text (a human reply): flagged as a guess in the log. */
  guess: boolean;
  /** Short name for the log, e.g. 'status:03', 'dsn:failed'. */
  label: string;
};

export type Observation = { keys: ReportKeys; observed: Observed[]; summary: string };

/** What an observer reads: the mail, its parsed subject; it fills the keys and returns the events. */
type Observer = (mail: ParsedMail, subject: SubjectInfo, keys: ReportKeys) => Observed[];

/** The kinds of report about our outgoing documents, and what each says (a recall is incoming-recall.ts's). */
export const OBSERVERS: Readonly<Record<'delivery-report' | 'read-receipt' | 'status' | 'reply', Observer>> = {
  'delivery-report': (mail, _subject, keys) => {
    const dr = parseDeliveryReport(mail);
    if (dr?.originalMessageId) keys.messageIds.push(dr.originalMessageId);
    if (dr?.originalEnvelopeId) keys.envid = decodeXtext(dr.originalEnvelopeId);
    return (dr?.recipients ?? []).map(r => ({ event: { type: 'dsn', action: r.action }, address: r.address || null, code: r.status, note: r.diagnostic, guess: false, label: `dsn:${r.action}` }));
  },
  'read-receipt': (mail, _subject, keys) => {
    const rr = parseReadReceipt(mail);
    keys.originalMessageId = rr?.originalMessageId ?? null;
    return [{ event: { type: 'mdn', disposition: rr?.disposition }, address: rr?.finalRecipient ?? null, code: null, note: rr?.disposition ?? null, guess: false, label: `mdn:${rr?.disposition ?? 'unknown'}` }];
  },
  status: (mail, subject, keys) => {
    const st = findEdxml(mail).status?.parse;
    keys.responseFor = st?.responseFor ?? null;
    keys.fromOrganId = st?.from?.organId ?? null;
    const code = st?.statusCode ?? normalizeStatusCode(st?.rawStatusCode) ?? normalizeStatusCode(subject.statusCode) ?? st?.rawStatusCode ?? subject.statusCode;
    return code ? [{ event: { type: 'status', code }, address: null, code, note: st?.description ?? null, guess: false, label: `status:${code}` }] : [];
  },
  reply: mail => {
    const intent = replyIntent(mail.text);
    return intent ? [{ event: { type: 'status', code: intent.code }, address: null, code: intent.code, note: intent.note, guess: true, label: `reply:${intent.code}` }] : [];
  },
};

/** Observe a report of a given kind: the keys every report has, then what its kind's observer reads. */
export function observeReport(kind: string, mail: ParsedMail): Observation {
  const subject = parseSubject(mail.subject);
  const keys: ReportKeys = {
    messageIds: [],
    envid: null,
    originalMessageId: null,
    replyIds: [...new Set([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()])],
    responseFor: null,
    subjectNumberNotation: subject.numberNotation,
    subjectDate: subject.date,
    from: mail.from?.address?.toLowerCase() ?? null,
    fromOrganId: null,
  };
  const observer = (OBSERVERS as Record<string, Observer | undefined>)[kind];
  const observed = observer ? observer(mail, subject, keys) : [];
  return { keys, observed, summary: `${kind}: ${observed.map(o => o.label).join(', ') || 'no event'}` };
}

/** Clear intents in a human reply (docs/status-codes.md §Human replies), read only from the reply's own lines, not the quote. */
const REPLY_INTENTS: ReadonlyArray<{ re: RegExp; code: '02' | '03' }> = [
  { re: /(?<!\p{L})từ chối(?:\s+tiếp nhận)?\s*(?:[:\-–]\s*|vì\s+|do\s+)(.+)/iu, code: '02' },
  { re: /(?<!\p{L})(?:đã nhận được|đã nhận|đã tiếp nhận)(?!\p{L})/iu, code: '03' },
];

/** The intent of a human reply, or null. */
export function replyIntent(text: string): { code: '02' | '03'; note: string | null } | null {
  const own: string[] = [];
  for (const line of text.normalize('NFC').split(/\r?\n/u)) {
    if (/^\s*>/u.test(line) || /^\s*(?:On .+ wrote:|Vào .+ đã viết:|-{2,}\s*Original Message|-{2,}\s*Thư gốc)/iu.test(line)) break;
    own.push(line);
  }
  const body = own.join('\n');
  for (const { re, code } of REPLY_INTENTS) {
    const m = re.exec(body);
    if (m) return { code, note: m[1]?.trim() || null };
  }
  return null;
}
