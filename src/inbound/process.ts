import type { HostedAgency } from '../config/schema.js';
import { appendEvent } from '../db/events.js';
import type { ReceivedRow } from '../db/received.js';
import { BridgeError, describeError } from '../errors.js';
import { classify, type MailKind } from '../mail/classify.js';
import { agencyByAddress } from '../db/agencies.js';
import type { ParsedMail } from '../mail/types.js';
import { commitQuarantine, commitSimple } from './commit.js';
import type { IntakeDeps } from './deps.js';
import { checkDocument } from './document.js';
import type { Prepared } from './prepare.js';
import { commitDocument } from './register-document.js';

export type ProcessOutcome = { outcome: string; kind: string | null; entryId?: number; arrivalNumber?: number; detail?: string };

/**
 * Prepare a mail from its stored raw bytes (a retry from quarantine, a mail not prepared ahead).
 * Its own function so the raw bytes are garbage once parsed.
 */
export async function prepareStored(deps: IntakeDeps, row: ReceivedRow, raw?: Buffer): Promise<Prepared> {
  return deps.preparer.prepare(raw ?? (await deps.blobs.get(row.raw_sha256)), deps.clock.now());
}

/** A notice edoc-bridge sent to this agency's own clerk (X-Edoc-Notice, from the agency's address). */
function isOwnNotice(agency: HostedAgency, mail: ParsedMail): boolean {
  return !!mail.headers['x-edoc-notice']?.length && mail.from?.address.toLowerCase() === agency.email.toLowerCase();
}

/**
 * The classifier's kind, except that a mail from a known agency that carries files but no PDF
 * is taken as a document (so its issuer gets a refusal saying why), not left for the clerk.
 */
async function effectiveKind(deps: IntakeDeps, mail: ParsedMail): Promise<MailKind> {
  const { kind } = classify(mail);
  if (kind !== 'unknown' || !mail.from) return kind;
  const files = mail.attachments.filter(a => !(a.inline && a.contentType.startsWith('image/')));
  return files.length > 0 && (await agencyByAddress(deps.db, mail.from.address)) ? 'document' : kind;
}

/** Kinds that feed reconciliation: kept as reports, matched by the reconcile job (docs/status-codes.md §Matching reports). */
const REPORT_KINDS = new Set(['status', 'recall', 'delivery-report', 'read-receipt', 'reply']);

/**
 * Parse → classify → check → register/answer, for one received mail whose raw bytes are
 * already stored. Expected outcomes (refusal, quarantine) are committed here; only unexpected
 * failures throw, and the caller counts them as attempts.
 */
export async function processReceived(deps: IntakeDeps, agency: HostedAgency, row: ReceivedRow, preparedAhead?: Prepared): Promise<ProcessOutcome> {
  const limits = deps.config.limits;
  if (row.raw_size > limits.maxMailBytes) {
    const detail = `mail is ${row.raw_size} bytes; limit is ${limits.maxMailBytes}`;
    await commitQuarantine(deps, agency, row, 'MAIL_TOO_LARGE', detail);
    return { outcome: 'quarantined', kind: null, detail };
  }
  const prepared = preparedAhead ?? (await prepareStored(deps, row));
  if (!prepared.ok) {
    await commitQuarantine(deps, agency, row, 'MAIL_UNPARSEABLE', prepared.error);
    return { outcome: 'quarantined', kind: null, detail: prepared.error };
  }
  const { mail } = prepared;
  if (isOwnNotice(agency, mail)) {
    // Our own alert to this agency's clerk (overdue receipts, late sends, recalls): it is for the
    // clerk's eyes, so it is recorded but stays in the inbox.
    await commitSimple(deps, agency, row, { kind: 'notice', outcome: 'notice', from: mail.from?.address ?? null, subject: mail.subject, targetFolder: agency.folders.inbox });
    return { outcome: 'notice', kind: 'notice' };
  }
  const kind = await effectiveKind(deps, mail);
  const seen = { from: mail.from?.address ?? null, subject: mail.subject, kind };
  deps.log.debug('INTAKE_CLASSIFIED', { agency: agency.code, received: row.id, kind });

  if (kind === 'document') {
    const checked = await checkDocument(deps, agency, prepared);
    const result = await commitDocument(deps, agency, row, checked);
    if (result.outcome === 'refused') {
      deps.log.info('INTAKE_REFUSED', { agency: agency.code, received: row.id, reasonCode: result.reasonCode, answered: result.answered });
      return { outcome: 'refused', kind, detail: result.reasonCode };
    }
    deps.log.info('INTAKE_REGISTERED', { agency: agency.code, received: row.id, entry: result.entryId, year: result.year, arrivalNumber: result.arrivalNumber, warnings: result.warnings });
    return { outcome: result.outcome, kind, entryId: result.entryId, arrivalNumber: result.arrivalNumber };
  }
  if (REPORT_KINDS.has(kind)) {
    const now = deps.clock.now();
    // Reconciliation reads the raw mail again (kept in the blob store); the row carries the keys it matches on.
    const data = { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, subject: mail.subject, from: mail.from?.address ?? null, date: mail.date };
    await commitSimple(deps, agency, row, { ...seen, kind, outcome: 'report' }, async trx => {
      await trx('inbound_reports').insert({ received_mail_id: row.id, agency_code: agency.code, kind, data: JSON.stringify(data), state: 'pending', created_at: now.toISOString() });
      await appendEvent(trx, now, { event: 'INTAKE_CLASSIFIED', agencyCode: agency.code, refType: 'received', refId: row.id, data: { kind } });
    });
    return { outcome: 'report', kind };
  }
  if (kind === 'auto-reply') {
    await commitSimple(deps, agency, row, { ...seen, kind, outcome: 'auto-reply' });
    return { outcome: 'auto-reply', kind };
  }
  await commitQuarantine(deps, agency, row, 'UNKNOWN_KIND', `classified as ${kind}`, seen);
  return { outcome: 'quarantined', kind, detail: 'UNKNOWN_KIND' };
}
