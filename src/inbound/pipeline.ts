import { hostname } from 'node:os';
import type { HostedAgency } from '../config/schema.js';
import { acquireLease, deadOnThisHost, releaseLease } from '../db/mailbox-state.js';
import { beginAttempt, endPreparing, getReceived, markMoved, recordFailure, type ReceivedRow } from '../db/received.js';
import { describeError } from '../errors.js';
import type { Mailbox } from '../io/imap.js';
import { syncBatcher } from '../io/sync-batch.js';
import { normalizeMessageId } from '../mail/headers.js';
import { commitQuarantine } from './commit.js';
import { quarantineConflict } from './message-id-conflict.js';
import type { IntakeDeps } from './deps.js';
import { downloadOne, knownFinished, listInbox, recordOne, type Fetched } from './fetch.js';
import type { Prepared } from './prepare.js';
import { retryHeldElsewhere, warnLongHeld } from './held-retry.js';
import { prepareStored, processReceived, type ProcessOutcome } from './process.js';
import { intakeWindow, unwrap, type WindowSlot, type WindowStages } from './window.js';

/**
 * Intake for one mailbox, top to bottom (docs/mail.md §Intake order):
 *   lease    one worker per mailbox, also across processes (DB compare-and-set)
 *   list     UIDs, sizes and Message-IDs of the inbox in one FETCH; mails finished before are known
 *   window   up to WINDOW mails in flight (window.ts): download → keep raw (blob + `received` row),
 *            prepared ahead in the worker thread(s) while the main thread commits the mail before
 *   per mail, in UID order (takeIn):
 *     keep raw   the `received` row, re-read: a second copy of a mail just committed is a duplicate;
 *                another mail under a known Message-ID is quarantined (MESSAGE_ID_CONFLICT)
 *     attempt    counted before anything is done with the mail; a mail whose last preparation
 *                never returned (the process died or stalled on it) is quarantined instead
 *     prepare    parse (lenient, NFC), verify each PDF, read its text, metadata, in a worker under
 *                a budget of time and memory                                       (prepare.ts, preparer.ts)
 *     route      classify, then the kind's ROUTE: scan + register + answer, keep a report,
 *                quarantine…                                                       (process.ts, routes.ts)
 *     commit     one transaction per mail, inside the route
 *   move     every MOVE_GROUP finished mails, and at the end: Processed or Quarantine folder
 *            (the store synced first)
 * A failing mail is recorded and retried next cycle, up to `limits.maxAttempts`, then
 * quarantined; it never stops the batch (docs/hostile-input.md §Per-mail isolation).
 */
export type IntakeReport = {
  agency: string;
  listed: number;
  processed: Array<{ uid: number; received: number } & ProcessOutcome>;
  duplicates: number;
  failed: Array<{ uid: number; error: string }>;
  moved: number;
  /** The longest time one mail held the mailbox in this cycle (ms, from its turn to its commit): what one hostile mail can cost the others. */
  longestMailMs: number;
  /** The UID of that mail. */
  longestMailUid?: number;
  skipped?: 'lease-busy';
};

const LEASE_MS = 5 * 60 * 1000;

/** Mails in flight at once (downloaded or being prepared ahead of the one being committed). */
export const WINDOW = 4;

/**
 * Finished mails leave the inbox in groups of this many, or sooner, MOVE_AFTER_MS after the group's
 * first: each group costs one sync of the blob store (a syncfs) and one MOVE, so a backlog moves
 * every second or two and a slow trickle within five seconds.
 */
export const MOVE_GROUP = 50;
export const MOVE_AFTER_MS = 5_000;

type Finished = { uid: number; receivedId: number };

/** One store sync at a time per store, shared by the cycles that ask meanwhile (docs/operations.md §Many mailboxes). */
const storeSyncs = new WeakMap<IntakeDeps['ports']['blobs'], (sha256s: string[]) => Promise<void>>();
const syncStore = (deps: IntakeDeps, sha256s: string[]): Promise<void> => {
  const { blobs } = deps.ports;
  let sync = storeSyncs.get(blobs);
  if (!sync) storeSyncs.set(blobs, (sync = syncBatcher(keys => blobs.syncAll(keys))));
  return sync(sha256s);
};

/** Run one intake cycle for an agency's mailbox. */
export async function runIntakeCycle(deps: IntakeDeps, agency: HostedAgency): Promise<IntakeReport> {
  const report: IntakeReport = { agency: agency.code, listed: 0, processed: [], duplicates: 0, failed: [], moved: 0, longestMailMs: 0 };
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
    let finished: Finished[] = [];
    let groupSince = 0;
    for await (const slot of intakeWindow(listed, windowStages(deps, agency, mailbox, uidvalidity, known), WINDOW)) {
      const turn = performance.now();
      const done = await takeIn(deps, agency, slot, report);
      const held = Math.round(performance.now() - turn);
      if (held > report.longestMailMs) Object.assign(report, { longestMailMs: held, longestMailUid: slot.item.uid });
      if (!done) continue;
      if (finished.length === 0) groupSince = clock.now().getTime();
      finished.push(done);
      // Committed mails leave the inbox as the cycle goes: a mail that stalls later keeps none of them there.
      if (finished.length >= MOVE_GROUP || clock.now().getTime() - groupSince >= MOVE_AFTER_MS) {
        report.moved += await moveFinished(deps, agency, mailbox, finished);
        finished = [];
      }
    }
    report.moved += await moveFinished(deps, agency, mailbox, finished);
    // Held mails that left the inbox (retried from the quarantine): from their stored raw bytes.
    const seen = new Set(report.processed.map(p => p.received));
    await retryHeldElsewhere(deps, agency, seen, row => takeStored(deps, agency, row, report));
    // Those still held: an alert once each past scan.heldWarnAfterMinutes (docs/hostile-input.md §Scanning).
    await warnLongHeld(deps, agency);
  } catch (err) {
    cycleError = describeError(err);
    throw err;
  } finally {
    // Closing a connection that already dropped throws again: nothing left to close.
    await mailbox?.close().catch(() => undefined);
    await releaseLease(deps.db, agency.code, folder, deps.workerId, clock.now(), { error: cycleError ?? report.failed.at(-1)?.error });
  }
  log.info('INTAKE_CYCLE', { agency: agency.code, listed: report.listed, processed: report.processed.length, duplicates: report.duplicates, failed: report.failed.length, moved: report.moved, longestMailMs: report.longestMailMs });
  return report;
}

/** The window's stages for this mailbox: download, record, and prepare ahead whenever preparing runs in worker threads. */
function windowStages(deps: IntakeDeps, agency: HostedAgency, mailbox: Mailbox, uidvalidity: number, known: Map<string, ReceivedRow>): WindowStages {
  return {
    // Only the very copy committed before (same UID): another mail may carry the same Message-ID.
    finishedBefore: item => {
      const row = known.get(normalizeMessageId(item.messageId) ?? '');
      return row && row.uid === item.uid && row.uidvalidity === uidvalidity ? row : undefined;
    },
    download: item => downloadOne(deps, mailbox, item),
    record: (item, got) => recordOne(deps, agency, item, uidvalidity, got),
    // Even one worker gains: it prepares the next mails while this thread routes and commits the current
    // one; its queue is FIFO, so the head mail is always taken first (docs/operations.md §Throughput).
    prepareAhead: f => (deps.preparer.parallel && needsPreparing(deps, f) ? prepareCounted(deps, f.row, f.raw) : undefined),
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
    // Decided from the row as it was before this cycle touched it (preparing ahead marks it).
    const before = fetched.row;
    const stop = before.conflict_of !== null ? 'conflict' : before.preparing_since ? 'interrupted' : before.attempts >= deps.config.limits.maxAttempts ? 'exhausted' : null;
    if (stop) {
      const outcome = await stopMail(deps, agency, row, stop);
      report.processed.push({ uid: item.uid, received: row.id, ...outcome });
      return { uid: item.uid, receivedId: row.id };
    }
    const ahead = await slot.prepared;
    const prepared = ahead ? unwrap(ahead) : row.raw_size <= deps.config.limits.maxMailBytes ? await prepareCounted(deps, row, fetched.raw) : undefined;
    const outcome = await processReceived(deps, agency, row, prepared, { notDownloaded: fetched.notDownloaded });
    report.processed.push({ uid: item.uid, received: row.id, ...outcome });
    // A held mail (the scanner is down) stays in the inbox for a later cycle.
    return outcome.outcome === 'held-for-scan' ? undefined : { uid: item.uid, receivedId: row.id };
  } catch (err) {
    const error = describeError(err);
    report.failed.push({ uid: item.uid, error });
    await countFailure(deps, agency, receivedId, error);
    return undefined;
  }
}

/** A held mail that is not in the inbox, taken from its stored raw bytes; its outcome is reported with the UID it had. */
async function takeStored(deps: IntakeDeps, agency: HostedAgency, row: ReceivedRow, report: IntakeReport): Promise<void> {
  const uid = row.uid ?? 0;
  try {
    const outcome = row.preparing_since ? await stopMail(deps, agency, row, 'interrupted') : await processReceived(deps, agency, row, await prepareCounted(deps, row));
    report.processed.push({ uid, received: row.id, ...outcome });
  } catch (err) {
    const error = describeError(err);
    report.failed.push({ uid, error });
    await countFailure(deps, agency, row.id, error);
  }
}

/**
 * Prepare a mail as one counted attempt (docs/hostile-input.md §Per-mail isolation): when a worker
 * takes the mail (not while it waits for one) the attempt and `preparing_since` are committed
 * before anything is done with it, so a preparation that kills or stalls the process is known,
 * and only that mail, on the next cycle.
 */
async function prepareCounted(deps: IntakeDeps, row: ReceivedRow, raw?: Buffer): Promise<Prepared> {
  let started = false;
  const onStart = async (): Promise<void> => {
    started = true;
    await beginAttempt(deps.db, row.id, deps.ports.clock.now());
    deps.ports.failpoint('while-preparing');
  };
  let prepared: Prepared;
  try {
    prepared = await prepareStored(deps, row, raw, { onStart });
  } catch (err) {
    // Failed before a worker took it (the raw copy unreadable, the pool closed): still an attempt.
    if (!started) await beginAttempt(deps.db, row.id, deps.ports.clock.now());
    throw err;
  }
  await endPreparing(deps.db, row.id);
  return prepared;
}

/** Why a mail is not prepared at all, and its quarantine. */
async function stopMail(deps: IntakeDeps, agency: HostedAgency, row: ReceivedRow, why: 'conflict' | 'interrupted' | 'exhausted'): Promise<ProcessOutcome> {
  if (why === 'conflict') return quarantineConflict(deps, agency, row);
  const [code, detail] =
    why === 'interrupted'
      ? (['PREPARE_INTERRUPTED', `preparing began at ${row.preparing_since} and never returned: the process died or stalled on this mail`] as const)
      : (['PROCESSING_FAILED', `${row.attempts} attempts began and none finished${row.last_error ? `; last error: ${row.last_error}` : ''}`] as const);
  deps.ports.log.warn('INTAKE_BUDGET_EXCEEDED', { agency: agency.code, received: row.id, reasonCode: code, detail });
  await commitQuarantine(deps, agency, row, code, detail);
  return { outcome: 'quarantined', kind: null, detail: code };
}

/** Count a failed attempt; past `limits.maxAttempts` the mail goes to quarantine (raw kept, the operator decides). */
async function countFailure(deps: IntakeDeps, agency: HostedAgency, receivedId: number | undefined, error: string): Promise<void> {
  deps.ports.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error });
  if (receivedId === undefined) return; // not even stored: still in the inbox, next cycle tries again
  try {
    const attempts = await recordFailure(deps.db, receivedId, error);
    const row = await getReceived(deps.db, receivedId);
    if (row && attempts >= deps.config.limits.maxAttempts && row.state === 'failed') {
      await commitQuarantine(deps, agency, row, 'PROCESSING_FAILED', error);
    }
  } catch (err) {
    // Recording the failure failed too (the database is down): logged; the mail stays in the inbox and is tried again.
    deps.ports.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error: describeError(err), stage: 'record-failure' });
  }
}

/** A fresh mail within the size limit is prepared ahead; a known one or an oversized one is not. */
function needsPreparing(deps: IntakeDeps, f: Fetched): boolean {
  const { row } = f;
  if (row.conflict_of !== null || row.preparing_since || row.attempts >= deps.config.limits.maxAttempts) return false;
  return f.isNew || row.state === 'stored' || row.state === 'failed' || row.state === 'held' ? row.raw_size <= deps.config.limits.maxMailBytes : false;
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
  // the server's copies leave the inbox (the commits are, synchronous=FULL). Concurrent cycles share one sync.
  await syncStore(deps, blobs);
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

