import { createHash } from 'node:crypto';
import { messageIdFor } from '../domain/outgoing/message-id.js';

/**
 * Identifiers of an outgoing document and of its mail to each recipient. The document key is the
 * register's own identity (sender agency, year, number: unique by NĐ 30 Art. 15.1), so ids survive a
 * crash and a resend, and two hosted agencies never share one.
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
export function documentMessageId(doc: { agency_code: string; year: number; number: number }, r: { agency_code: string | null; address: string }, domain: string): string {
  return messageIdFor('document', { docId: documentKey(doc), recipient: recipientKey(r) }, domain);
}

/** Message-ID of a recall (status 13) to one recipient; `round` counts repeated recalls. */
export function recallMessageId(doc: { agency_code: string; year: number; number: number }, r: { agency_code: string | null; address: string }, domain: string, round = 1): string {
  return messageIdFor('recall', { docId: documentKey(doc), recipient: recipientKey(r), round: String(round) }, domain);
}

/**
 * RFC 3461 ENVID for a Message-ID: `edoc-` + 24 hex of its SHA-256. Short (RFC 3461 §4.4: at most
 * 100 characters) and plain (no xtext escapes for servers to mangle), derived so a resend keeps it.
 */
export function envidFor(messageId: string): string {
  return `edoc-${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}`;
}

/** Decode RFC 3461 xtext (`+HH` escapes), as an ENVID comes back in Original-Envelope-Id. */
export function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The edXML DocumentId of an outgoing document: `OrganId,yyyy/MM/dd,Số/Ký hiệu` (docs/edxml.md §DocumentId). */
export function edxmlDocumentId(agencyCode: string, docDate: string, numberNotation: string): string {
  return `${agencyCode},${docDate.replace(/-/g, '/')},${numberNotation}`;
}
