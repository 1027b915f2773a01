import type { HostedAgency } from '../config/schema.js';
import type { AgencyRow } from '../db/agencies.js';
import { appendEvent } from '../db/events.js';
import { holdReceived, type ReceivedRow } from '../db/received.js';
import { addReport } from '../db/reconcile.js';
import type { MailKind } from '../mail/classify.js';
import type { Deps } from '../ports.js';
import { commitQuarantine, commitSimple, type Seen } from './commit.js';
import { checkDocument } from './document.js';
import type { Prepared } from './prepare.js';
import { commitDocument } from './register-document.js';
import { scanFiles } from './scan-files.js';

export type ProcessOutcome = { outcome: string; kind: string | null; entryId?: number; arrivalNumber?: number; detail?: string };

/** What a route is given: the mail prepared, its sender in the directory (if any), what intake saw. */
export type Routed = { agency: HostedAgency; row: ReceivedRow; prepared: Extract<Prepared, { ok: true }>; sender: AgencyRow | undefined; seen: Seen & { kind: MailKind } };

type Route = (deps: Deps, m: Routed) => Promise<ProcessOutcome>;

/** A document: checked against the agency's policy, then registered and answered, or refused (register-document.ts). */
const registerOrRefuse: Route = async (deps, { agency, row, prepared, sender, seen }) => {
  for (const p of prepared.pdfs) deps.ports.log.debug('SIGNATURE_VERIFIED', { agency: agency.code, file: p.attachment.filename, verdict: p.check.verdict, reasons: p.check.reasons });
  const doc = checkDocument(agency, prepared, sender);
  // Scanned before anything is registered (docs/hostile-input.md §Scanning).
  const scan = await scanFiles(deps, prepared.files);
  if (scan.action === 'hold') {
    await holdReceived(deps.db, row.id, `${scan.reasonCode}: ${scan.detail}`);
    deps.ports.log.warn('INTAKE_HELD_FOR_SCAN', { agency: agency.code, received: row.id, detail: scan.detail });
    return { outcome: 'held-for-scan', kind: seen.kind, detail: scan.reasonCode };
  }
  if (scan.action === 'quarantine' && scan.reasonCode === 'SCAN_TOO_LARGE') {
    // Not refused: the operator scans it by other means and releases it (docs/hostile-input.md §Scanning).
    await commitQuarantine(deps, agency, row, scan.reasonCode, scan.detail, seen);
    return { outcome: 'quarantined', kind: seen.kind, detail: scan.reasonCode };
  }
  if (scan.action === 'quarantine') {
    const refusal = { ...doc, decision: { action: 'refuse' as const, reasonCode: scan.reasonCode, reasonVi: scan.refusal.reasonVi } };
    const result = await commitDocument(deps, agency, row, refusal, { quarantine: { reasonCode: scan.reasonCode, detail: scan.detail } });
    deps.ports.log.warn('INTAKE_MALWARE_FOUND', { agency: agency.code, received: row.id, detail: scan.detail, answered: result.answered });
    return { outcome: 'quarantined', kind: seen.kind, detail: scan.reasonCode };
  }
  if (scan.warnings.length && doc.decision.action === 'register') doc.decision.warnings.push(...scan.warnings);
  const result = await commitDocument(deps, agency, row, doc);
  if (result.outcome === 'refused') {
    deps.ports.log.info('INTAKE_REFUSED', { agency: agency.code, received: row.id, reasonCode: result.reasonCode, answered: result.answered });
    return { outcome: 'refused', kind: seen.kind, detail: result.reasonCode };
  }
  deps.ports.log.info('INTAKE_REGISTERED', { agency: agency.code, received: row.id, entry: result.entryId, year: result.year, arrivalNumber: result.arrivalNumber, warnings: result.warnings });
  return { outcome: result.outcome, kind: seen.kind, entryId: result.entryId, arrivalNumber: result.arrivalNumber };
};

/** A report for reconciliation (src/reconcile/pipeline.ts ROUTES): kept with the keys it matches on; the raw mail is read again there. */
const keepReport: Route = async (deps, { agency, row, prepared: { mail }, seen }) => {
  const data = { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, subject: mail.subject, from: mail.from?.address ?? null, date: mail.date };
  await commitSimple(deps, agency, row, { ...seen, outcome: 'report' }, async (trx, now) => {
    await addReport(trx, { receivedMailId: row.id, agencyCode: agency.code, kind: seen.kind, data }, now);
    await appendEvent(trx, now, { event: 'INTAKE_CLASSIFIED', agencyCode: agency.code, refType: 'received', refId: row.id, data: { kind: seen.kind } });
  });
  return { outcome: 'report', kind: seen.kind };
};

/**
 * Where each kind of mail goes (the kinds of src/mail/classify.ts): one entry per kind, checked
 * by the compiler, so a new kind cannot be left unrouted.
 */
export const ROUTES: Readonly<Record<MailKind, Route>> = {
  // Our own alert to this mailbox's clerk: recorded, but it stays in the inbox where the clerk reads it.
  notice: async (deps, { agency, row, seen }) => {
    await commitSimple(deps, agency, row, { ...seen, outcome: 'notice', targetFolder: agency.folders.inbox });
    return { outcome: 'notice', kind: 'notice' };
  },
  document: registerOrRefuse,
  status: keepReport,
  recall: keepReport,
  'delivery-report': keepReport,
  'read-receipt': keepReport,
  reply: keepReport,
  'auto-reply': async (deps, { agency, row, seen }) => {
    await commitSimple(deps, agency, row, { ...seen, outcome: 'auto-reply' });
    return { outcome: 'auto-reply', kind: seen.kind };
  },
  unknown: async (deps, { agency, row, seen }) => {
    await commitQuarantine(deps, agency, row, 'UNKNOWN_KIND', `classified as ${seen.kind}`, seen);
    return { outcome: 'quarantined', kind: seen.kind, detail: 'UNKNOWN_KIND' };
  },
};
