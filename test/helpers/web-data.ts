/**
 * Test data for the web tests, built through the db/ functions the gateway uses: register
 * entries (with a mail and a PDF attachment), quarantined mails, orphan reports, outgoing
 * documents. Every text a sender controls can be given, so hostile values reach every page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '../../src/app.js';
import { saveAttachments } from '../../src/db/attachments.js';
import { addQuarantine } from '../../src/db/quarantine.js';
import { finishReceived, recordReceived } from '../../src/db/received.js';
import { addReport, finishReport } from '../../src/db/reconcile.js';
import { insertEntry, nextNumber, type EntryInput } from '../../src/db/register.js';
import { vnYear } from '../../src/domain/vn-time.js';
import { submitDocument } from '../../src/outbound/submit.js';
import { parseSubmissionMeta } from '../../src/outbound/submission.js';
import { parseMail } from '../../src/mail/parse.js';
import { pdf } from './world.js';

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
  const blob = await app.ports.blobs.put(raw);
  const now = app.ports.clock.now();
  const { row } = await recordReceived(app.db, { agencyCode: agency, messageKey: `test:${++seq}:${blob.sha256}`, messageId: null, rawSha256: blob.sha256, rawSize: raw.length, uidvalidity: null, uid: null }, now);
  await app.db.transaction(trx => finishReceived(trx, row.id, { state: m.state ?? 'done', kind: 'document', outcome: m.state === 'quarantined' ? 'held' : 'registered', targetFolder: 'Processed', fromAddress: m.from ?? 'x@example.test', subject: m.subject ?? 'thử' }, now));
  return row.id;
}

/** A register entry of `agency` (e-mailed, with its mail and a PDF attachment), fields as given. */
export async function addEntry(app: App, agency: string, e: Partial<EntryInput> & { fileName?: string; mailSubject?: string; senderName?: string } = {}): Promise<number> {
  const now = app.ports.clock.now();
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
    const blob = await app.ports.blobs.put(bytes);
    const signature = { found: 1, verdict: 'valid', reasons: [], report: null, summaryVi: 'Chữ ký số hợp lệ' };
    await saveAttachments(app.db, receivedMailId, id, [{ name: e.fileName ?? 'quyet-dinh.pdf', contentType: 'application/pdf', size: bytes.length, sha256: blob.sha256, pages: 1, isPdf: true, forwarded: false, signature }], now);
  }
  return id;
}

/** A quarantined mail of `agency`; returns the quarantine id. */
export async function addQuarantined(app: App, agency: string, m: { raw?: Buffer; from?: string; subject?: string; reason?: string } = {}): Promise<number> {
  const received = await addReceived(app, agency, { ...m, state: 'quarantined' });
  return app.db.transaction(trx => addQuarantine(trx, { receivedMailId: received, agencyCode: agency, reasonCode: 'MAIL_UNPARSEABLE', reason: m.reason ?? 'Thư hỏng, không đọc được' }, app.ports.clock.now()));
}

/** An orphan report (a status packet that matched nothing) in `agency`'s mailbox; returns its id. */
export async function addOrphan(app: App, agency: string, raw = eml('status-03.eml')): Promise<number> {
  const received = await addReceived(app, agency, { raw });
  const now = app.ports.clock.now();
  const id = await addReport(app.db, { receivedMailId: received, agencyCode: agency, kind: 'status', data: {} }, now);
  await finishReport(app.db, id, 'orphan', null, now);
  return id;
}

/** An outgoing document of `agency` to the given recipients; returns its id and recipient ids. */
export async function addOutgoing(app: App, agency: string, to: string[], summary = 'V/v thử theo dõi'): Promise<{ documentId: number; recipients: number[] }> {
  const r = await submitDocument(app, { agencyCode: agency, to, files: [{ name: 'cong-van.pdf', content: await pdf(), role: 'main' }], meta: parseSubmissionMeta({ type: 'Công văn', summary }), source: 'cli' });
  return { documentId: r.documentId, recipients: r.recipients.map(x => x.id) };
}
