/**
 * Test data built through the same db/ functions the gateway uses (never raw SQL in a test): a
 * register entry, a received mail, a report waiting for reconciliation, an outgoing document
 * with its recipients, and the few time shifts the crash tests need.
 */
import type { Db } from '../../src/db/connect.js';
import { upsertAgencies } from '../../src/db/agencies.js';
import { insertOutgoingDocument, insertRecipient, patchRecipient, type NewOutgoingDocument } from '../../src/db/outgoing.js';
import { finishReceived, recordReceived, type ReceivedRow } from '../../src/db/received.js';
import { addReport } from '../../src/db/reconcile.js';
import { insertEntry, moveEntry, type EntryInput } from '../../src/db/register.js';
import type { RecipientStatus } from '../../src/domain/outgoing/recipient-state.js';
import type { Deps } from '../../src/ports.js';

let seq = 0;

/** Agencies of the directory (foreign keys need them), idempotent. */
export async function agencies(db: Db, codes: string[], kind: 'hosted' | 'edoc-bridge' | 'mailbox' = 'hosted'): Promise<void> {
  await upsertAgencies(db, codes.map(code => ({ code, name: `Cơ quan ${code}`, emails: [], kind })), new Date('2026-01-01T00:00:00Z'));
}

/** A register entry as intake or the clerk would leave it; every field overridable. Returns its id. */
export async function entry(db: Db, over: Omit<Partial<EntryInput>, 'status'> & Pick<EntryInput, 'agencyCode'> & { status?: string }): Promise<number> {
  const at = over.arrivalAt ?? new Date('2026-11-20T03:00:00Z');
  const { status, ...rest } = over;
  const input: EntryInput = {
    year: 2026,
    arrivalNumber: ++seq,
    arrivalAt: at,
    receivedMailId: null,
    source: 'email',
    issuerCode: null,
    issuerName: null,
    numberNotation: null,
    number: null,
    notation: null,
    docDate: null,
    docType: null,
    summary: null,
    signerPosition: null,
    signerName: null,
    urgency: 'normal',
    dueDate: null,
    recipients: null,
    documentId: null,
    legalValue: 'legal',
    signatureVerdict: 'valid',
    missing: [],
    warnings: [],
    senderAddress: null,
    senderMessageId: null,
    ...rest,
    status: status === 'held' ? 'held' : 'registered',
  };
  const id = await insertEntry(db, input, at);
  // Later states are reached the way the clerk or a recall reaches them.
  if (status && status !== 'registered' && status !== 'held') await moveEntry(db, id, 'registered', status, { code: null, note: 'test data', evidenceSha256: null }, at);
  return id;
}

/** A received mail, finished as `state` (default done) unless `stored`. */
export async function receivedMail(
  db: Db,
  o: { agencyCode: string; rawSha256?: string; rawSize?: number; messageId?: string | null; key?: string; state?: 'stored' | 'done'; kind?: string; outcome?: string; subject?: string; at?: Date },
): Promise<ReceivedRow> {
  const at = o.at ?? new Date('2026-11-20T03:00:00Z');
  const messageId = o.messageId ?? null;
  const { row } = await recordReceived(db, { agencyCode: o.agencyCode, messageKey: o.key ?? messageId ?? `test:${++seq}`, messageId, rawSha256: o.rawSha256 ?? 'a'.repeat(64), rawSize: o.rawSize ?? 1, uidvalidity: null, uid: null }, at);
  if ((o.state ?? 'done') === 'done') {
    await finishReceived(db, row.id, { state: 'done', kind: o.kind ?? 'document', outcome: o.outcome ?? 'registered', targetFolder: 'Processed', fromAddress: null, subject: o.subject ?? null }, at);
  }
  return row;
}

/** A report as intake leaves it: the raw mail in the blob store, a finished received row, a pending inbound report. Returns the report id. */
export async function pendingReport(deps: Deps, agencyCode: string, kind: string, raw: Buffer | string): Promise<number> {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.replace(/\r?\n/g, '\r\n'));
  const ref = await deps.ports.blobs.put(bytes);
  const now = deps.ports.clock.now();
  const row = await receivedMail(deps.db, { agencyCode, rawSha256: ref.sha256, rawSize: bytes.length, key: `test:${++seq}:${ref.sha256}`, kind, outcome: 'report', at: now });
  return addReport(deps.db, { receivedMailId: row.id, agencyCode, kind, data: { subject: kind } }, now);
}

/** An outgoing document already numbered and queued, with its recipients in the given states. Returns its id. */
export async function outgoingDocument(
  db: Db,
  d: Partial<NewOutgoingDocument> & Pick<NewOutgoingDocument, 'agency_code' | 'number' | 'doc_date'>,
  recipients: Array<{ address: string; name?: string | null; status?: RecipientStatus; sentAt?: string | null }> = [],
): Promise<number> {
  const now = new Date(`${d.doc_date}T03:00:00Z`);
  const numberNotation = d.number_notation ?? `${String(d.number).padStart(2, '0')}/${d.notation ?? 'VP'}`;
  const id = await insertOutgoingDocument(
    db,
    {
      year: Number(d.doc_date.slice(0, 4)),
      notation: 'VP',
      number_notation: numberNotation,
      doc_type: 'Công văn',
      summary: 'V/v thử',
      signer_position: null,
      signer_name: null,
      urgency: 'normal',
      due_date: null,
      document_id: `${d.agency_code},${d.doc_date.replace(/-/g, '/')},${numberNotation}`,
      state: 'queued',
      source: 'cli',
      files: [],
      sealed: false,
      signed_at: now.toISOString(),
      send_deadline: now.toISOString(),
      submitted_to: { recipients: [] },
      ...d,
    },
    now,
  );
  for (const r of recipients) {
    const status = r.status ?? 'queued';
    const rid = await insertRecipient(db, { documentId: id, agencyCode: null, address: r.address, name: r.name ?? null, state: { status, progress: status === 'queued' ? 'queued' : 'sent' }, messageId: `<doc.${id}.${++seq}@test>`, envid: `edoc-test-${seq}`, deadline: null }, now);
    if (r.sentAt) await patchRecipient(db, rid, { sent_at: r.sentAt });
  }
  return id;
}

/** The crash tests' clock: the claims of crashed senders expire now (as 10 minutes later would). */
export async function expireClaims(db: Db): Promise<void> {
  await db('outbox').where({ state: 'sending' }).update({ claimed_until: new Date(Date.now() - 1000).toISOString() });
}

/** The crash tests' clock: deferred mails are due now (as the retry delay passing would). */
export async function makeDue(db: Db): Promise<void> {
  await db('outbox').whereIn('state', ['queued', 'deferred']).update({ next_attempt_at: new Date(Date.now() - 1000).toISOString() });
}
