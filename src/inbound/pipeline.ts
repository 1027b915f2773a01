import { hostname } from 'node:os';
import type { HostedAgency } from '../config/schema.js';
import { acquireLease, deadOnThisHost, releaseLease } from '../db/mailbox-state.js';
import { getReceived, markMoved, recordFailure, type ReceivedRow } from '../db/received.js';
import { describeError } from '../errors.js';
import type { Mailbox } from '../io/imap.js';
import { normalizeMessageId } from '../mail/headers.js';
import { commitQuarantine } from './commit.js';
import type { IntakeDeps } from './deps.js';
import { downloadOne, knownFinished, listInbox, recordOne, type Fetched } from './fetch.js';
import { prepareStored, processReceived, type ProcessOutcome } from './process.js';
import { intakeWindow, unwrap, type WindowSlot, type WindowStages } from './window.js';

/**
 * Intake for one mailbox, top to bottom (docs/mail.md §Intake order):
 *   lease    one worker per mailbox, also across processes (DB compare-and-set)
 *   list     UIDs, sizes and Message-IDs of the inbox in one FETCH; mails finished before are known
 *   window   up to WINDOW mails in flight (window.ts): download → keep raw (blob + `received` row),
 *            prepared ahead in worker threads when limits.intakeWorkers > 0
 *   per mail, in UID order (takeIn):
 *     keep raw   the `received` row, re-read: a second copy of a mail just committed is a duplicate
 *     prepare    parse (lenient, NFC), verify each PDF, read its text, metadata   (prepare.ts)
 *     route      classify, then the kind's ROUTE: register + answer, keep a report,
 *                quarantine…                                                       (process.ts, routes.ts)
 *     commit     one transaction per mail, inside the route
 *   move     after the commits: Processed or Quarantine folder (the store synced first)
 * A failing mail is recorded and retried next cycle, up to `limits.maxAttempts`, then
 * quarantined; it never stops the batch.
 */
export type IntakeReport = {
  agency: string;
  listed: number;
  processed: Array<{ uid: number; received: number } & ProcessOutcome>;
  duplicates: number;
  failed: Array<{ uid: number; error: string }>;
  moved: number;
  skipped?: 'lease-busy';
};

const LEASE_MS = 5 * 60 * 1000;

/** Mails in flight at once (downloaded or being prepared ahead of the one being committed). */
export const WINDOW = 4;

type Finished = { uid: number; receivedId: number };

/** Run one intake cycle for an agency's mailbox. */
export async function runIntakeCycle(deps: IntakeDeps, agency: HostedAgency): Promise<IntakeReport> {
  const report: IntakeReport = { agency: agency.code, listed: 0, processed: [], duplicates: 0, failed: [], moved: 0 };
  const folder = agency.folders.inbox;
  const { clock, log } = deps.ports;
  if (!(await acquireLease(deps.db, agency.code, folder, deps.workerId, clock.now(), LEASE_MS, deadOnThisHost(hostname())))) {
    log.info('INTAKE_LEASE_BUSY', { agency: agency.code, folder });
    return { ...report, skipped: 'lease-busy' };
  }
  let mailbox: Mailbox | undefined;
  let cycleError: string | undefined;
  try {
    mailbox = await deps.ports.openMailbox(agency);
    const { listed, uidvalidity } = await listInbox(deps, agency, mailbox);
    report.listed = listed.length;
    const known = await knownFinished(deps, agency, listed);
    const finished: Finished[] = [];
    for await (const slot of intakeWindow(listed, windowStages(deps, agency, mailbox, uidvalidity, known), WINDOW)) {
      const done = await takeIn(deps, agency, slot, report);
      if (done) finished.push(done);
    }
    report.moved = await moveFinished(deps, agency, mailbox, finished);
  } catch (err) {
    cycleError = describeError(err);
    throw err;
  } finally {
    // Closing a connection that already dropped throws again: nothing left to close.
    await mailbox?.close().catch(() => undefined);
    await releaseLease(deps.db, agency.code, folder, deps.workerId, clock.now(), { error: cycleError ?? report.failed.at(-1)?.error });
  }
  log.info('INTAKE_CYCLE', { agency: agency.code, listed: report.listed, processed: report.processed.length, duplicates: report.duplicates, failed: report.failed.length, moved: report.moved });
  return report;
}

/** The window's stages for this mailbox: download, record, and prepare ahead only with worker threads. */
function windowStages(deps: IntakeDeps, agency: HostedAgency, mailbox: Mailbox, uidvalidity: number, known: Map<string, ReceivedRow>): WindowStages {
  return {
    finishedBefore: item => known.get(normalizeMessageId(item.messageId) ?? ''),
    download: item => downloadOne(deps, mailbox, item),
    record: (item, got) => recordOne(deps, agency, item, uidvalidity, got),
    // In this thread, preparing ahead would only delay the mail being committed (more latency, no more throughput).
    prepareAhead: f => (deps.preparer.parallel && needsPreparing(deps, f) ? prepareStored(deps, f.row, f.raw) : undefined),
  };
}

/**
 * One mail, in UID order: its raw mail kept, then prepared, routed and committed (process.ts).
 * Returns it when it is finished (to be moved); a failure is counted, never thrown.
 */
async function takeIn(deps: IntakeDeps, agency: HostedAgency, slot: WindowSlot, report: IntakeReport): Promise<Finished | undefined> {
  const { item } = slot;
  let receivedId: number | undefined;
  try {
    const fetched = unwrap(await slot.fetched);
    receivedId = fetched.row.id;
    if (fetched.isNew) deps.ports.log.debug('INTAKE_STORED', { agency: agency.code, received: fetched.row.id, uid: item.uid, sha256: fetched.row.raw_sha256 });
    deps.ports.failpoint('after-store');
    // Re-read: a second copy of a mail just committed may have been fetched ahead.
    const row = (await getReceived(deps.db, fetched.row.id)) ?? fetched.row;
    if (row.state === 'done' || row.state === 'quarantined') {
      report.duplicates++;
      deps.ports.log.info('INTAKE_DUPLICATE', { agency: agency.code, received: row.id, uid: item.uid, key: row.message_key });
      return { uid: item.uid, receivedId: row.id };
    }
    const ahead = await slot.prepared;
    const outcome = await processReceived(deps, agency, row, ahead ? unwrap(ahead) : fetched.raw && (await prepareStored(deps, row, fetched.raw)));
    report.processed.push({ uid: item.uid, received: row.id, ...outcome });
    return { uid: item.uid, receivedId: row.id };
  } catch (err) {
    const error = describeError(err);
    report.failed.push({ uid: item.uid, error });
    await countFailure(deps, agency, receivedId, error);
    return undefined;
  }
}

/** Count a failed attempt; past `limits.maxAttempts` the mail goes to quarantine (raw kept, the operator decides). */
async function countFailure(deps: IntakeDeps, agency: HostedAgency, receivedId: number | undefined, error: string): Promise<void> {
  deps.ports.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error });
  if (receivedId === undefined) return; // not even stored: still in the inbox, next cycle tries again
  try {
    const attempts = await recordFailure(deps.db, receivedId, error);
    const row = await getReceived(deps.db, receivedId);
    if (row && attempts >= deps.config.limits.maxAttempts && (row.state === 'failed' || row.state === 'stored')) {
      await commitQuarantine(deps, agency, row, 'PROCESSING_FAILED', error);
    }
  } catch (err) {
    // Recording the failure failed too (the database is down): logged; the mail stays in the inbox and is tried again.
    deps.ports.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error: describeError(err), stage: 'record-failure' });
  }
}

/** A fresh mail within the size limit is prepared ahead; a known one or an oversized one is not. */
function needsPreparing(deps: IntakeDeps, f: Fetched): boolean {
  return f.isNew || f.row.state === 'stored' || f.row.state === 'failed' ? f.row.raw_size <= deps.config.limits.maxMailBytes : false;
}

/**
 * Move this cycle's finished mails out of the inbox, after their commit, grouped by target
 * folder. The inbox listing is the work list, so a mail whose move failed (or whose process died
 * after the commit) is listed again next cycle, found finished, and moved then.
 */
async function moveFinished(deps: IntakeDeps, agency: HostedAgency, mailbox: Mailbox, finished: Finished[]): Promise<number> {
  const byFolder = new Map<string, Finished[]>();
  const blobs: string[] = [];
  for (const f of finished) {
    const row = await getReceived(deps.db, f.receivedId);
    if (!row || (row.state !== 'done' && row.state !== 'quarantined')) continue;
    blobs.push(row.raw_sha256);
    const folder = row.target_folder ?? agency.folders.processed;
    if (folder === agency.folders.inbox) continue; // stays where the clerk reads it
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  if (blobs.length === 0) return 0;
  // The raw mails (and their attachments) were written without fsync: make them durable before
  // the server's copies leave the inbox (the commits are, synchronous=FULL).
  await deps.ports.blobs.syncAll(blobs);
  let moved = 0;
  for (const [folder, group] of byFolder) {
    try {
      const done = await mailbox.move(group.map(f => f.uid), folder);
      await markMoved(deps.db, [...new Set(group.map(f => f.receivedId))], deps.ports.clock.now());
      moved += group.length;
      // The server's real path (docs/mail.md §IMAP servers), not only the configured name.
      deps.ports.log.info('INTAKE_MOVED', { agency: agency.code, folder, path: done.path, method: done.method, count: group.length });
      if (done.held) deps.ports.log.warn('INTAKE_MOVE_HELD', { agency: agency.code, folder, path: done.path, count: done.held });
    } catch (err) {
      deps.ports.log.warn('INTAKE_MOVE_FAILED', { agency: agency.code, folder, error: describeError(err) });
    }
  }
  return moved;
}

