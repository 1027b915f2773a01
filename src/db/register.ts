import type { Db } from './connect.js';
import { vnYear } from '../domain/vn-time.js';
import { BridgeError } from '../errors.js';
import { recordTransition } from './history.js';
import { insertedId } from './inserted-id.js';
import { entrySearchText } from './search-text.js';

export type RegisterKind = 'incoming' | 'outgoing';

/**
 * Next number of a gapless series (NĐ 30 Art. 15.1, 22.2: from 1 on 1 January, no gaps, no
 * reuse). Must run inside the transaction that writes the entry, so a rollback gives the number
 * back. The UPDATE comes first: on SQLite it takes the write lock at once (no read→write upgrade
 * deadlock between processes); on PostgreSQL it locks the counter row until commit. It returns the
 * new value (UPDATE … RETURNING, SQLite ≥ 3.35 and PostgreSQL): one statement, no re-read
 * (docs/operations.md §Throughput).
 */
export async function nextNumber(trx: Db, agencyCode: string, register: RegisterKind, year: number): Promise<number> {
  const key = { agency_code: agencyCode, register, year };
  const [updated] = (await trx('register_counters').where(key).increment('last_number', 1).returning('last_number')) as Array<{ last_number: number | string }>;
  if (updated) return Number(updated.last_number);
  try {
    await trx('register_counters').insert({ ...key, last_number: 1 });
  } catch (err) {
    // Expected: the unique key (agency, register, year), when another writer created the counter first.
    throw new BridgeError('DB_CONFLICT', `counter ${agencyCode}/${register}/${year} created concurrently`, { cause: err, details: { retry: true } });
  }
  return 1;
}

export type EntryInput = {
  agencyCode: string;
  year: number;
  arrivalNumber: number;
  arrivalAt: Date;
  receivedMailId: number | null;
  source: 'email' | 'paper';
  issuerCode: string | null;
  issuerName: string | null;
  numberNotation: string | null;
  number: string | null;
  notation: string | null;
  docDate: string | null;
  docType: string | null;
  summary: string | null;
  signerPosition: string | null;
  signerName: string | null;
  urgency: string;
  dueDate: string | null;
  recipients: string | null;
  documentId: string | null;
  legalValue: 'legal' | 'reference';
  signatureVerdict: string;
  status: 'registered' | 'held';
  missing: string[];
  warnings: string[];
  senderAddress: string | null;
  senderMessageId: string | null;
  /** A scanned paper original (source = paper) in the blob store. */
  scan?: { sha256: string; name: string };
};

export type EntryRow = {
  id: number;
  agency_code: string;
  year: number;
  arrival_number: number;
  arrival_at: string;
  received_mail_id: number | null;
  source: string;
  issuer_code: string | null;
  issuer_name: string | null;
  number_notation: string | null;
  number: string | null;
  notation: string | null;
  doc_date: string | null;
  doc_type: string | null;
  summary: string | null;
  signer_position: string | null;
  signer_name: string | null;
  urgency: string;
  due_date: string | null;
  recipients: string | null;
  document_id: string | null;
  legal_value: string;
  signature_verdict: string;
  status: string;
  missing: string | null;
  warnings: string | null;
  sender_address: string | null;
  sender_message_id: string | null;
  created_at: string;
  /** A scanned paper original (source = paper). */
  scan_sha256?: string | null;
  scan_name?: string | null;
};

/** Insert a register entry; returns its id. */
export async function insertEntry(trx: Db, e: EntryInput, now: Date): Promise<number> {
  return insertedId(
    trx('register_entries').insert({
      agency_code: e.agencyCode,
      year: e.year,
      arrival_number: e.arrivalNumber,
      arrival_at: e.arrivalAt.toISOString(),
      received_mail_id: e.receivedMailId,
      source: e.source,
      issuer_code: e.issuerCode,
      issuer_name: e.issuerName,
      number_notation: e.numberNotation,
      number: e.number,
      notation: e.notation,
      doc_date: e.docDate,
      doc_type: e.docType,
      summary: e.summary,
      signer_position: e.signerPosition,
      signer_name: e.signerName,
      urgency: e.urgency,
      due_date: e.dueDate,
      recipients: e.recipients,
      document_id: e.documentId,
      legal_value: e.legalValue,
      signature_verdict: e.signatureVerdict,
      status: e.status,
      missing: JSON.stringify(e.missing),
      warnings: JSON.stringify(e.warnings),
      sender_address: e.senderAddress,
      sender_message_id: e.senderMessageId,
      ...(e.scan ? { scan_sha256: e.scan.sha256, scan_name: e.scan.name } : {}),
      created_at: now.toISOString(),
      search_text: entrySearchText({ number_notation: e.numberNotation, issuer_name: e.issuerName, issuer_code: e.issuerCode, doc_type: e.docType, summary: e.summary, sender_address: e.senderAddress }),
    }),
  );
}

/** A new entry as both channels give it (e-mail, paper): its number, year and duplicates are found here. */
export type NewEntry = Omit<EntryInput, 'year' | 'arrivalNumber' | 'arrivalAt'> & {
  /** What identifies the document for the duplicate warning (NĐ 30 App. VI §III.1.h). */
  identity: { documentId: string | null; issuerKey: string | null };
  /** The first status_history row: its code, note (default: the warnings) and evidence. */
  history: { code: string | null; note?: string | null; evidenceSha256: string | null };
};

export type RegisteredEntry = { entryId: number; year: number; arrivalNumber: number; warnings: string[]; duplicates: EntryRow[] };

/**
 * Enter a document in the incoming register, inside the caller's transaction (NĐ 30 Art. 22.2:
 * one series for paper and electronic documents): look-alike entries become DUPLICATE_OF
 * warnings, the next arrival number of the agency's Vietnam year is taken (gapless), the entry is
 * written and its first status recorded. A rollback gives the number back.
 */
export async function registerEntry(trx: Db, e: NewEntry, now: Date): Promise<RegisteredEntry> {
  const { identity, history, ...input } = e;
  const year = vnYear(now);
  const duplicates = await findDuplicateEntries(trx, e.agencyCode, { ...identity, numberNotation: e.numberNotation, docDate: e.docDate });
  const warnings = [...e.warnings, ...duplicates.map(d => `DUPLICATE_OF:${d.year}/${d.arrival_number}`)];
  const arrivalNumber = await nextNumber(trx, e.agencyCode, 'incoming', year);
  const entryId = await insertEntry(trx, { ...input, year, arrivalNumber, arrivalAt: now, warnings }, now);
  const note = history.note !== undefined ? history.note : warnings.join(', ') || null;
  await recordTransition(trx, { subject: 'entry', id: entryId, from: null, to: e.status, code: history.code, note, evidenceSha256: history.evidenceSha256 }, now);
  return { entryId, year, arrivalNumber, warnings, duplicates };
}

/**
 * Move an entry from `from` to `to` by compare-and-set, recording the change. False (nothing
 * written) when the entry is no longer in `from`: another worker moved it first.
 */
export async function moveEntry(trx: Db, id: number, from: string, to: string, evidence: { code: string | null; note: string | null; evidenceSha256: string | null }, now: Date): Promise<boolean> {
  if (from === to) return false;
  const n = await trx('register_entries').where({ id, status: from }).update({ status: to });
  if (n !== 1) return false;
  await recordTransition(trx, { subject: 'entry', id, from, to, ...evidence }, now);
  return true;
}

/** Columns an entry is looked up by when a peer refers to it (a recall). */
export type EntryKey = Partial<Pick<EntryRow, 'sender_message_id' | 'document_id' | 'number_notation' | 'issuer_code' | 'doc_date'>>;

/** The agency's entry with these column values: a live one before a cancelled one, the newest first. */
export async function findEntry(db: Db, agencyCode: string, key: EntryKey): Promise<EntryRow | undefined> {
  return db('register_entries')
    .where({ agency_code: agencyCode, ...key })
    .orderByRaw("case when status = 'cancelled' then 1 else 0 end")
    .orderBy('id', 'desc')
    .first();
}

/** How many earlier look-alike entries a duplicate warning names. */
export const DUPLICATES_SHOWN = 3;

/**
 * Earlier entries of the same agency that look like the same document (NĐ 30 App. VI §III.1.h:
 * warn on a duplicate identifier, or on the same issuer + number and notation + date).
 */
export async function findDuplicateEntries(
  trx: Db,
  agencyCode: string,
  d: { documentId: string | null; issuerKey: string | null; numberNotation: string | null; docDate: string | null },
): Promise<EntryRow[]> {
  // The few most recent are enough to warn the clerk; a document resent a thousand times must not
  // make every later commit carry (and log) a thousand ids. Both rules in one statement.
  const byNumber = !!(d.numberNotation && d.docDate && d.issuerKey);
  if (!d.documentId && !byNumber) return [];
  return trx('register_entries')
    .where({ agency_code: agencyCode })
    .whereNot({ status: 'cancelled' })
    .andWhere(any => {
      if (d.documentId) any.orWhere({ document_id: d.documentId });
      if (byNumber) any.orWhere(w => w.where({ number_notation: d.numberNotation, doc_date: d.docDate }).andWhere(i => i.where({ issuer_code: d.issuerKey }).orWhere({ issuer_name: d.issuerKey })));
    })
    .orderBy('id', 'desc')
    .limit(DUPLICATES_SHOWN);
}

/** Entries of an agency's incoming register (newest first), optionally one year. */
export async function listEntries(db: Db, opts: { agencyCode?: string; year?: number; limit?: number } = {}): Promise<EntryRow[]> {
  const q = db('register_entries').select().orderBy([{ column: 'agency_code' }, { column: 'year', order: 'desc' }, { column: 'arrival_number', order: 'desc' }]);
  if (opts.agencyCode) q.where({ agency_code: opts.agencyCode });
  if (opts.year) q.where({ year: opts.year });
  if (opts.limit) q.limit(opts.limit);
  return q;
}

/** One entry by id. */
export async function getEntry(db: Db, id: number): Promise<EntryRow | undefined> {
  return db('register_entries').where({ id }).first();
}
