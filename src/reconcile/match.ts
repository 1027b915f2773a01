import { agencyByAddress } from '../db/agencies.js';
import type { Db } from '../db/connect.js';
import { documentByEdxmlId, documentByNumber, getOutgoingDocument, recipientByEnvid, recipientByMessageId, recipientsOf, type OutgoingDocumentRow, type OutgoingRecipientRow } from '../db/outgoing.js';
import type { MatchMethod } from '../db/reconcile.js';
import { parseNumberNotation } from '../domain/document/number-notation.js';
import type { ReportKeys } from './observe.js';

/**
 * Match a report to (document, recipient) by, in order (docs/status-codes.md §Matching reports): our Message-ID, the ENVID, the
 * MDN's Original-Message-ID, In-Reply-To / References, the edXML ResponseFor, and last the number
 * and notation in the subject (flagged as a guess). The first method that finds something wins.
 * Id look-ups search every hosted agency (ids are ours and unique); the document-level methods
 * only the documents of the agency whose mailbox received the report.
 */
export type Match = {
  method: MatchMethod;
  guess: boolean;
  document: OutgoingDocumentRow;
  /** The recipients the report is about (one, except a document-level match naming no one). */
  recipients: OutgoingRecipientRow[];
};

type Step = { method: MatchMethod; guess: boolean; find(db: Db, keys: ReportKeys, agencyCode: string, hintAddresses: string[]): Promise<Omit<Match, 'method' | 'guess'> | null> };

/** The methods, in order. */
export const MATCH_STEPS: readonly Step[] = [
  { method: 'message-id', guess: false, find: (db, k) => byMessageIds(db, k.messageIds) },
  { method: 'envid', guess: false, find: async (db, k) => (k.envid ? withDocument(db, await recipientByEnvid(db, k.envid)) : null) },
  { method: 'original-message-id', guess: false, find: (db, k) => byMessageIds(db, k.originalMessageId ? [k.originalMessageId] : []) },
  { method: 'in-reply-to', guess: false, find: (db, k) => byMessageIds(db, k.replyIds) },
  { method: 'response-for', guess: false, find: (db, k, agency, hints) => byResponseFor(db, k, agency, hints) },
  { method: 'subject-guess', guess: true, find: (db, k, agency, hints) => bySubject(db, k, agency, hints) },
];

/** Run the steps; null when nothing matches (an orphan). */
export async function matchReport(db: Db, keys: ReportKeys, agencyCode: string, hintAddresses: string[]): Promise<Match | null> {
  for (const step of MATCH_STEPS) {
    const found = await step.find(db, keys, agencyCode, hintAddresses);
    if (found && found.recipients.length > 0) return { method: step.method, guess: step.guess, ...found };
  }
  return null;
}

/** The first id (in the given order) that is one of our document or recall Message-IDs. */
async function byMessageIds(db: Db, ids: string[]): Promise<Omit<Match, 'method' | 'guess'> | null> {
  for (const id of ids) {
    const found = await withDocument(db, await recipientByMessageId(db, id));
    if (found) return found;
  }
  return null;
}

/** A recipient found by one of its ids, with its document. */
async function withDocument(db: Db, r: OutgoingRecipientRow | undefined): Promise<Omit<Match, 'method' | 'guess'> | null> {
  if (!r) return null;
  const document = await getOutgoingDocument(db, r.document_id);
  return document ? { document, recipients: [r] } : null;
}

/** ResponseFor: our DocumentId, else (our agency code + number and notation [+ date]). */
async function byResponseFor(db: Db, k: ReportKeys, agencyCode: string, hints: string[]): Promise<Omit<Match, 'method' | 'guess'> | null> {
  const rf = k.responseFor;
  if (!rf) return null;
  let doc: OutgoingDocumentRow | undefined;
  if (rf.documentId) doc = await documentByEdxmlId(db, agencyCode, rf.documentId.normalize('NFC'));
  const code = rf.code ? (parseNumberNotation(rf.code)?.numberNotation ?? rf.code.normalize('NFC')) : null;
  if (!doc && code && (!rf.organId || rf.organId === agencyCode)) doc = await documentByNumber(db, agencyCode, code, rf.promulgationDate);
  return doc ? { document: doc, recipients: await recipientsByHint(db, doc.id, k, hints) } : null;
}

/** Number and notation (and date when the subject has one) of one of the agency's documents. */
async function bySubject(db: Db, k: ReportKeys, agencyCode: string, hints: string[]): Promise<Omit<Match, 'method' | 'guess'> | null> {
  if (!k.subjectNumberNotation) return null;
  const doc = await documentByNumber(db, agencyCode, k.subjectNumberNotation, k.subjectDate);
  return doc ? { document: doc, recipients: await recipientsByHint(db, doc.id, k, hints) } : null;
}

/** Which recipients of a document a report is about: the addresses it names, its sender, its edXML From. */
async function recipientsByHint(db: Db, documentId: number, k: ReportKeys, hints: string[]): Promise<OutgoingRecipientRow[]> {
  const all = await recipientsOf(db, documentId);
  const addresses = new Set([...hints, ...(k.from ? [k.from] : [])].map(a => a.toLowerCase()));
  const byAddress = all.filter(r => addresses.has(r.address));
  if (byAddress.length) return byAddress;
  if (k.fromOrganId) {
    const byCode = all.filter(r => r.agency_code === k.fromOrganId);
    if (byCode.length) return byCode;
  }
  if (k.from) {
    // The sender is a known agency writing from another of its official addresses.
    const agency = await agencyByAddress(db, k.from);
    if (agency) return all.filter(r => r.agency_code === agency.code);
  }
  return [];
}
