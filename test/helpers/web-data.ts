/**
 * Test data for the web tests, built through the repositories where they exist: register
 * entries (with a mail and a PDF attachment), quarantined mails, orphan reports, outgoing
 * documents. Every text a sender controls can be given, so hostile values reach every page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../../src/app.js';
import { addQuarantine } from '../../src/db/quarantine.js';
import { finishReceived, recordReceived } from '../../src/db/received.js';
import { insertEntry, nextNumber, type EntryInput } from '../../src/db/register.js';
import { vnYear } from '../../src/domain/vn-time.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { parseMail } from '../../src/mail/parse.js';
import { pdf } from '../outbound/_helpers.js';

const EML = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/eml');

/** A fixture mail's bytes. */
export function eml(name: string): Buffer {
  return readFileSync(path.join(EML, name));
}

let seq = 0;

/** A received mail row (state done unless told), its raw bytes in the blob store. */
export async function addReceived(app: App, agency: string, m: { raw?: Buffer; from?: string; subject?: string; state?: 'done' | 'quarantined' } = {}): Promise<number> {
  if (m.raw && m.subject === undefined) {
    const parsed = await parseMail(m.raw); // what intake would have noted from the mail itself
    m = { ...m, subject: parsed.subject, from: m.from ?? parsed.from?.address };
  }
  const raw = m.raw ?? Buffer.from(`From: ${m.from ?? 'x@example.test'}\r\nSubject: ${m.subject ?? 'thử'}\r\nMessage-ID: <t${++seq}.${Date.now()}@example.test>\r\n\r\nNội dung\r\n`);
  const blob = await app.blobs.put(raw);
  const now = app.clock.now();
  const { row } = await recordReceived(app.db, { agencyCode: agency, messageKey: `test:${++seq}:${blob.sha256}`, messageId: null, rawSha256: blob.sha256, rawSize: raw.length, uidvalidity: null, uid: null }, now);
  await app.db.transaction(trx => finishReceived(trx, row.id, { state: m.state ?? 'done', kind: 'document', outcome: m.state === 'quarantined' ? 'held' : 'registered', targetFolder: 'Processed', fromAddress: m.from ?? 'x@example.test', subject: m.subject ?? 'thử' }, now));
  return row.id;
}

/** A register entry of `agency` (e-mailed, with its mail and a PDF attachment), fields as given. */
export async function addEntry(app: App, agency: string, e: Partial<EntryInput> & { fileName?: string; mailSubject?: string; senderName?: string } = {}): Promise<number> {
  const now = app.clock.now();
  const receivedMailId = e.receivedMailId === null ? null : await addReceived(app, agency, { from: e.senderAddress ?? 'vanthu@ubnd.vinhlong.test', subject: e.mailSubject ?? 'Văn bản' });
  const year = e.year ?? vnYear(now);
  const id = await app.db.transaction(async trx => {
    const arrivalNumber = await nextNumber(trx, agency, 'incoming', year);
    return insertEntry(
      trx,
      {
        agencyCode: agency, year, arrivalNumber, arrivalAt: now, receivedMailId, source: 'email', issuerCode: null, issuerName: 'Ủy ban nhân dân tỉnh Vĩnh Long',
        numberNotation: '12/QĐ-UBND', number: '12', notation: 'QĐ-UBND', docDate: '2026-11-20', docType: 'Quyết định', summary: 'Về việc thử nghiệm', signerPosition: 'CHỦ TỊCH',
        signerName: 'Nguyễn Văn An', urgency: 'normal', dueDate: null, recipients: null, documentId: null, legalValue: 'legal', signatureVerdict: 'valid', status: 'registered',
        missing: [], warnings: [], senderAddress: 'vanthu@ubnd.vinhlong.test', senderMessageId: '<doc@example.test>',
        ...e,
      } as EntryInput,
      now,
    );
  });
  if (receivedMailId) {
    const bytes = await pdf();
    const blob = await app.blobs.put(bytes);
    await app.db('attachments').insert({ received_mail_id: receivedMailId, entry_id: id, name: e.fileName ?? 'quyet-dinh.pdf', content_type: 'application/pdf', size: bytes.length, sha256: blob.sha256, pages: 1, is_pdf: true, signature_verdict: 'valid' });
  }
  return id;
}

/** A quarantined mail of `agency`; returns the quarantine id. */
export async function addQuarantined(app: App, agency: string, m: { raw?: Buffer; from?: string; subject?: string; reason?: string } = {}): Promise<number> {
  const received = await addReceived(app, agency, { ...m, state: 'quarantined' });
  return app.db.transaction(trx => addQuarantine(trx, { receivedMailId: received, agencyCode: agency, reasonCode: 'MAIL_UNPARSEABLE', reason: m.reason ?? 'Thư hỏng, không đọc được' }, app.clock.now()));
}

/** An orphan report (a status packet that matched nothing) in `agency`'s mailbox; returns its id. */
export async function addOrphan(app: App, agency: string, raw = eml('status-03.eml')): Promise<number> {
  const received = await addReceived(app, agency, { raw });
  const [row] = await app.db('inbound_reports').insert({ received_mail_id: received, agency_code: agency, kind: 'status', data: '{}', state: 'orphan', created_at: app.clock.now().toISOString() }).returning('id');
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** An outgoing document of `agency` to the given recipients; returns its id and recipient ids. */
export async function addOutgoing(app: App, agency: string, to: string[], summary = 'V/v thử theo dõi'): Promise<{ documentId: number; recipients: number[] }> {
  const r = await submitDocument(app, { agencyCode: agency, to, files: [{ name: 'cong-van.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ type: 'Công văn', summary }), source: 'cli' });
  return { documentId: r.documentId, recipients: r.recipients.map(x => x.id) };
}
