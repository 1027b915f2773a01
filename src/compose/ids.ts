import { createHash } from 'node:crypto';
import { messageIdFor, type IdOrigin } from '../domain/outgoing/message-id.js';

export type { IdOrigin } from '../domain/outgoing/message-id.js';

/** Our Message-ID origin from the App's configuration (the installation id is set by openApp from the database). */
export function idOrigin(config: { instance: { domain: string }; installation: string }): IdOrigin {
  return { domain: config.instance.domain, installation: config.installation };
}
import type { StatusCode } from '../edxml/codes.js';

/**
 * Identifiers of every mail we write. They are derived, never random, so a resend after a crash
 * or a retry carries the same id and every report about it leads back. The document key is the
 * register's own identity (sender agency, year, number: unique by NĐ 30 Art. 15.1), so two hosted
 * agencies never share one.
 */

/** `000.00.31.H62-2026-5`: the document part of our Message-IDs. */
export function documentKey(d: { agency_code: string; year: number; number: number }): string {
  return `${d.agency_code}-${d.year}-${d.number}`;
}

/** The recipient part of our Message-IDs: its agency code, else its address. */
export function recipientKey(r: { agency_code: string | null; address: string }): string {
  return r.agency_code ?? r.address.toLowerCase();
}

/** Message-ID of the document mail to one recipient (docs/mail.md §Message-IDs: derived from (document, recipient)). */
export function documentMessageId(doc: { agency_code: string; year: number; number: number }, r: { agency_code: string | null; address: string }, origin: IdOrigin): string {
  return messageIdFor('document', { docId: documentKey(doc), recipient: recipientKey(r) }, origin);
}

/** Message-ID of a recall (status 13) to one recipient; `round` counts repeated recalls. */
export function recallMessageId(doc: { agency_code: string; year: number; number: number }, r: { agency_code: string | null; address: string }, origin: IdOrigin, round = 1): string {
  return messageIdFor('recall', { docId: documentKey(doc), recipient: recipientKey(r), round: String(round) }, origin);
}

/** Our Message-ID for a status answer: derived from (received mail, agency, code), so a resend reuses it. */
export function statusMessageId(code: StatusCode, receivedMailId: number, agencyCode: string, origin: IdOrigin): string {
  return messageIdFor('status', { docId: `m${receivedMailId}`, recipient: agencyCode, code }, origin);
}

/** Our Message-ID for a notice to the clerk: one per alert key. */
export function noticeMessageId(alertKey: string, origin: IdOrigin): string {
  return messageIdFor('notice', { docId: alertKey }, origin);
}

/**
 * RFC 3461 ENVID for a Message-ID: `edoc-` + 24 hex of its SHA-256. Short (RFC 3461 §4.4: at most
 * 100 characters) and plain (no xtext escapes for servers to mangle), derived so a resend keeps it.
 */
export function envidFor(messageId: string): string {
  return `edoc-${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}`;
}

/** The edXML DocumentId of an outgoing document: `OrganId,yyyy/MM/dd,Số/Ký hiệu` (docs/edxml.md §DocumentId). */
export function edxmlDocumentId(agencyCode: string, docDate: string, numberNotation: string): string {
  return `${agencyCode},${docDate.replace(/-/g, '/')},${numberNotation}`;
}
