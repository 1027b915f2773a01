/**
 * The web app's one door to the gateway's services (docs/security.md §Layers): every action a page
 * or an API route takes goes through a function here, which checks the agency scope where the
 * service itself does not, and then calls the same service the CLI calls. When the services move
 * or change shape, only this file follows.
 */
import type { App } from '../app.js';
import type { HostedAgency } from '../config/schema.js';
import { findOutgoingDocument } from '../db/outgoing.js';
import { entriesToPrint, outgoingToPrint } from '../db/register-search.js';
import { entryOf, outgoingOf } from '../db/web-queries.js';
import { importDirectoryCsv, describeProblem, type DirectoryImport } from '../directory/import-csv.js';
import { BridgeError } from '../errors.js';
import { completeEntry, type EntryFields } from '../inbound/complete-entry.js';
import { closeQuarantined, retryQuarantined } from '../inbound/quarantine-actions.js';
import { registerPaperDocument, type PaperMeta, type PaperResult } from '../inbound/register-paper.js';
import { parseMail } from '../mail/parse.js';
import type { ParsedMail } from '../mail/types.js';
import { CLERK_STEPS, isClerkStep, setEntryStatus, type ClerkStep } from '../outbound/clerk-status.js';
import { recallDocument, type RecallResult } from '../outbound/recall.js';
import { resolveRecipients, type ResolvedRecipient } from '../outbound/recipients.js';
import { submitDocument, type SubmitResult } from '../outbound/submit.js';
import { notationFor, parseSubmissionMeta, type Submission, type SubmissionMeta } from '../outbound/submission.js';
import { formatNumberNotation } from '../domain/document/number-notation.js';
import { vnYear } from '../domain/vn-time.js';
import { attachOrphan } from '../reconcile/attach-orphan.js';
import { buildReconcileReport, type ReconcileReport } from '../reconcile/tracking-report.js';
import { incomingRegisterTable, outgoingRegisterTable, registerCsv, type RegisterTable } from '../register/export-csv.js';
import { loadRegisterFonts, registerPdf } from '../register/export-pdf.js';
import { halfYearLines, halfYearReport, type HalfYearReport } from '../register/half-year-report.js';
import { peekNextNumber } from '../db/web-queries.js';

export { CLERK_STEPS, isClerkStep, parseSubmissionMeta, type ClerkStep, type SubmissionMeta, type PaperMeta, type EntryFields, type ParsedMail, type RegisterTable, type HalfYearReport, type ReconcileReport, type SubmitResult, type RecallResult, type DirectoryImport };

/** The hosted agency with this code (NOT_FOUND otherwise: the web answers 404, never "exists elsewhere"). */
export function hosted(app: App, code: string): HostedAgency {
  const agency = app.config.agencies.find(a => a.code === code);
  if (!agency) throw new BridgeError('NOT_FOUND', `no hosted agency ${code}`);
  return agency;
}

/** Move an entry of `agency` to 04/05/06 and send the status packet (outbound/clerk-status.ts). */
export async function changeEntryStatus(app: App, agency: string, entryId: number, step: string, note?: string) {
  if (!isClerkStep(step)) throw new BridgeError('USAGE', 'status must be assigned, processing or done');
  if (!(await entryOf(app.db, agency, entryId))) throw new BridgeError('NOT_FOUND', `no register entry ${entryId}`);
  return setEntryStatus(app, entryId, step, note?.trim() ? note.normalize('NFC').trim() : undefined);
}

/** Complete missing fields of an entry of `agency` (inbound/complete-entry.ts). */
export function completeEntryFields(app: App, agency: string, entryId: number, fields: EntryFields, actor: string) {
  return completeEntry(app, agency, entryId, fields, actor);
}

/** Enter a scanned paper document in `agency`'s incoming series (inbound/register-paper.ts). */
export function registerPaper(app: App, agency: string, scan: { name: string; content: Buffer }, meta: PaperMeta): Promise<PaperResult> {
  return registerPaperDocument(app, hosted(app, agency), scan, meta);
}

/** Number, stamp, seal and queue an outgoing document (outbound/submit.ts). */
export function submit(app: App, s: Submission): Promise<SubmitResult> {
  hosted(app, s.agencyCode);
  return submitDocument(app, s);
}

/** Recipients as typed (agency codes from the directory, or addresses), checked (outbound/recipients.ts). */
export function checkRecipients(app: App, items: string[]): Promise<ResolvedRecipient[]> {
  return resolveRecipients(app.db, items);
}

/** The number and notation the next outgoing document of `agency` would get (not reserved). */
export async function previewNumber(app: App, agency: string, meta: SubmissionMeta): Promise<string> {
  const a = hosted(app, agency);
  const next = (await peekNextNumber(app.db, a.code, 'outgoing', vnYear(app.ports.clock.now()))) + 1;
  return formatNumberNotation(next, notationFor(meta, a));
}

/** Recall an outgoing document of `agency`, by id or number and notation (outbound/recall.ts). */
export async function recall(app: App, agency: string, ref: string, reason: string): Promise<RecallResult> {
  const doc = /^\d+$/.test(ref) ? await outgoingOf(app.db, agency, Number(ref)) : await findOutgoingDocument(app.db, ref, agency);
  if (!doc || doc.agency_code !== agency) throw new BridgeError('NOT_FOUND', `no outgoing document ${ref}`);
  return recallDocument(app, String(doc.id), reason, { agencyCode: agency });
}

/** Tracking of `agency`'s outgoing documents per recipient (reconcile/tracking-report.ts). */
export function trackingReport(app: App, agency: string, since?: string): Promise<ReconcileReport> {
  return buildReconcileReport(app.db, app.ports.clock.now(), { agencyCode: agency, since });
}

/** Quarantine: process again from the raw mail (inbound/quarantine-actions.ts). */
export function retryQuarantine(app: App, id: number) {
  return retryQuarantined(app, id);
}

/** Quarantine: hand to the clerk as it is, or close (raw kept). */
export function closeQuarantine(app: App, id: number, to: 'released' | 'discarded') {
  return closeQuarantined(app, id, to);
}

/** Attach an orphan report to a recipient (reconcile/attach-orphan.ts). */
export function attachOrphanReport(app: App, reportId: number, recipientId: number, actor: string) {
  return attachOrphan(app, reportId, recipientId, actor);
}

/** Import a directory CSV file (directory/import-csv.ts); a refused file says its line and field. */
export async function importDirectory(app: App, file: string): Promise<DirectoryImport & { problemText?: string }> {
  const result = await importDirectoryCsv(app.db, file, app.ports.clock.now());
  return result.ok ? result : { ...result, problemText: describeProblem(result.problem) };
}

/** Parse a stored raw mail (mail/parse.ts; pure) for the quarantine's safe view. */
export async function parseStoredMail(app: App, sha256: string): Promise<ParsedMail> {
  return parseMail(await app.ports.blobs.get(sha256));
}

/** A period to print: a calendar year, or a range of Vietnam days (YYYY-MM-DD, both included). */
export type PrintRange = { year: number } | { from: string; to: string };

/** The register of `agency` (incoming or outgoing) for a period, as a table (register/export-csv.ts). */
export async function registerTable(app: App, agency: string, kind: 'incoming' | 'outgoing', range: PrintRange): Promise<RegisterTable> {
  const a = hosted(app, agency);
  const who = { code: a.code, name: a.name, place: a.place };
  const year = 'year' in range ? range.year : Number(range.from.slice(0, 4));
  if (kind === 'incoming') {
    const span = 'year' in range ? range : { fromIso: vnMidnight(range.from), toIso: vnMidnight(nextDay(range.to)) };
    return incomingRegisterTable(who, year, await entriesToPrint(app.db, a.code, span));
  }
  const { docs, recipients } = await outgoingToPrint(app.db, a.code, 'year' in range ? range : { fromDate: range.from, toDate: range.to });
  return outgoingRegisterTable(who, year, docs, recipients);
}

/** The register as CSV text or PDF bytes (register/export-csv.ts, export-pdf.ts). */
export async function registerFile(app: App, table: RegisterTable, format: 'csv' | 'pdf'): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(registerCsv(table), 'utf8');
  const { bytes } = await registerPdf(table, await loadRegisterFonts(), { now: app.ports.clock.now() });
  return Buffer.from(bytes);
}

/** The six-monthly report of `agency` (register/half-year-report.ts) and its Vietnamese lines. */
export async function sixMonthReport(app: App, agency: string, year: number, half: 1 | 2): Promise<{ report: HalfYearReport; lines: string[] }> {
  hosted(app, agency);
  const report = await halfYearReport(app.db, agency, year, half);
  return { report, lines: halfYearLines(report) };
}

function vnMidnight(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
