import { hostname } from 'node:os';
import type { HostedAgency } from '../config/schema.js';
import { acquireLease, deadOnThisHost, releaseLease } from '../db/mailbox-state.js';
import { getReceived, markMoved, recordFailure, type ReceivedRow } from '../db/received.js';
import { describeError } from '../errors.js';
import type { ListedMessage, Mailbox } from '../io/imap.js';
import { commitQuarantine } from './commit.js';
import type { IntakeDeps } from './deps.js';
import { downloadOne, knownFinished, listInbox, recordOne, type Downloaded, type Fetched } from './fetch.js';
import { normaliseMessageId } from './message-key.js';
import type { Prepared } from './prepare.js';
import { prepareStored, processReceived, type ProcessOutcome } from './process.js';

/**
 * Intake for one mailbox, top to bottom (docs/mail.md §Intake order):
 *   0. lease      one worker per mailbox, also across processes (DB compare-and-set)
 *   1. list       phase 1: UIDs, sizes and Message-IDs of the inbox in one FETCH
 *   2. keep raw   phase 2, per mail: download → blob store → `received` row committed  (fetch.ts)
 *   3. prepare    parse (lenient, NFC), verify each PDF, read its text, metadata       (prepare.ts;
 *                 in worker threads when limits.intakeWorkers > 0)
 *   4. classify   document | status | recall | delivery-report | …      (process.ts)
 *   5. check      integrity, secrecy, signatures against the policy table (document.ts)
 *   6. register   arrival number + entry + answer, one transaction       (register-document.ts)
 *   7. answer     the receipt / refusal waits in the outbox              (answer.ts)
 *   8. move       only after the commit: Processed or Quarantine folder
 * Up to WINDOW mails are in flight (downloads chained on the one IMAP connection); steps 4–7
 * run one mail at a time in UID order. A failing mail is recorded and retried next cycle, up to
 * `limits.maxAttempts`, then quarantined; it never stops the batch.
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

/** Run one intake cycle for an agency's mailbox. */
export async function runIntakeCycle(deps: IntakeDeps, agency: HostedAgency): Promise<IntakeReport> {
  const report: IntakeReport = { agency: agency.code, listed: 0, processed: [], duplicates: 0, failed: [], moved: 0 };
  const folder = agency.folders.inbox;
  if (!(await acquireLease(deps.db, agency.code, folder, deps.workerId, deps.clock.now(), LEASE_MS, deadOnThisHost(hostname())))) {
    deps.log.info('INTAKE_LEASE_BUSY', { agency: agency.code, folder });
    return { ...report, skipped: 'lease-busy' };
  }
  let mailbox: Mailbox | undefined;
  let cycleError: string | undefined;
  try {
    mailbox = await deps.openMailbox(agency);
    const { listed, uidvalidity } = await listInbox(deps, agency, mailbox);
    report.listed = listed.length;
    const finished: Finished[] = [];
    // A window of mails in flight: downloads run one after another on the IMAP connection, each
    // downloaded mail is prepared (parsed, PDFs checked) in the worker pool at once, and mails are
    // still registered and committed one by one in UID order (arrival numbers follow arrival).
    const window: InFlight[] = [];
    const known = await knownFinished(deps, agency, listed);
    let downloading: Promise<unknown> = Promise.resolve();
    let next = 0;
    const launch = () => {
      const listedItem = listed[next++]!;
      const finishedBefore = known.get(normaliseMessageId(listedItem.messageId) ?? '');
      // Downloads follow each other on the IMAP connection; recording and preparing do not wait for it.
      const downloaded: Promise<Downloaded | ReceivedRow> = finishedBefore ? Promise.resolve(finishedBefore) : downloading.then(() => downloadOne(deps, mailbox!, listedItem));
      downloading = settle(downloaded);
      const fetched = settle(downloaded.then(got => recordOne(deps, agency, listedItem, uidvalidity, got)));
      // Prepared ahead only by worker threads: in this thread it would just delay the mail being
      // committed (more latency, no more throughput).
      const prepared = deps.preparer.parallel
        ? fetched.then(f => (f.ok && needsPreparing(deps, f.value) ? settle(prepareStored(deps, f.value.row, f.value.raw)) : undefined))
        : Promise.resolve(undefined);
      window.push({ item: listedItem, fetched, prepared });
    };
    while (next < listed.length && window.length < WINDOW) launch();
    while (window.length > 0) {
      const { item, fetched: fetchedAhead, prepared: preparedAhead } = window.shift()!;
      if (next < listed.length) launch();
      let receivedId: number | undefined;
      try {
        const fetched = unwrap(await fetchedAhead);
        receivedId = fetched.row.id;
        if (fetched.isNew) deps.log.debug('INTAKE_STORED', { agency: agency.code, received: fetched.row.id, uid: item.uid, sha256: fetched.row.raw_sha256 });
        deps.failpoint('after-store');
        // Re-read: a second copy of a mail just committed may have been fetched ahead.
        const row = (await getReceived(deps.db, fetched.row.id)) ?? fetched.row;
        if (row.state === 'done' || row.state === 'quarantined') {
          report.duplicates++;
          deps.log.info('INTAKE_DUPLICATE', { agency: agency.code, received: row.id, uid: item.uid, key: row.message_key });
          finished.push({ uid: item.uid, receivedId: row.id });
          continue;
        }
        const ahead = await preparedAhead;
        const outcome = await processReceived(deps, agency, row, ahead ? unwrap(ahead) : fetched.raw && (await prepareStored(deps, row, fetched.raw)));
        report.processed.push({ uid: item.uid, received: row.id, ...outcome });
        finished.push({ uid: item.uid, receivedId: row.id });
      } catch (err) {
        const error = describeError(err);
        report.failed.push({ uid: item.uid, error });
        await handleFailure(deps, agency, receivedId, error);
      }
    }
    report.moved = await moveFinished(deps, agency, mailbox, finished);
  } catch (err) {
    cycleError = describeError(err);
    throw err;
  } finally {
    await mailbox?.close().catch(() => undefined);
    await releaseLease(deps.db, agency.code, folder, deps.workerId, deps.clock.now(), { error: cycleError ?? report.failed.at(-1)?.error });
  }
  deps.log.info('INTAKE_CYCLE', { agency: agency.code, listed: report.listed, processed: report.processed.length, duplicates: report.duplicates, failed: report.failed.length, moved: report.moved });
  return report;
}

/** Count a failed attempt; past the limit the mail goes to quarantine (raw kept, operator decides). */
async function handleFailure(deps: IntakeDeps, agency: HostedAgency, receivedId: number | undefined, error: string): Promise<void> {
  deps.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error });
  if (receivedId === undefined) return; // not even stored: still in the inbox, next cycle tries again
  try {
    const attempts = await recordFailure(deps.db, receivedId, error);
    const row = await getReceived(deps.db, receivedId);
    if (row && attempts >= deps.config.limits.maxAttempts && (row.state === 'failed' || row.state === 'stored')) {
      await commitQuarantine(deps, agency, row, 'PROCESSING_FAILED', error);
    }
  } catch (err) {
    deps.log.error('INTAKE_FAILED', { agency: agency.code, received: receivedId, error: describeError(err), stage: 'record-failure' });
  }
}

type Finished = { uid: number; receivedId: number };

/** Mails in flight at once (downloaded or being prepared ahead of the one being committed). */
const WINDOW = 4;

type InFlight = { item: ListedMessage; fetched: Promise<Settled<Fetched>>; prepared: Promise<Settled<Prepared> | undefined> };

/** A fresh mail within the size limit is prepared ahead; a known one or an oversized one is not. */
function needsPreparing(deps: IntakeDeps, f: Fetched): boolean {
  return f.isNew || f.row.state === 'stored' || f.row.state === 'failed' ? f.row.raw_size <= deps.config.limits.maxMailBytes : false;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (a fetch started ahead must not become an unhandled rejection). */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(value => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

function unwrap<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
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
  await deps.blobs.syncAll(blobs);
  let moved = 0;
  for (const [folder, group] of byFolder) {
    try {
      await mailbox.move(group.map(f => f.uid), folder);
      await markMoved(deps.db, [...new Set(group.map(f => f.receivedId))], deps.clock.now());
      moved += group.length;
      deps.log.info('INTAKE_MOVED', { agency: agency.code, folder, count: group.length });
    } catch (err) {
      deps.log.warn('INTAKE_MOVE_FAILED', { agency: agency.code, folder, error: describeError(err) });
    }
  }
  return moved;
}
