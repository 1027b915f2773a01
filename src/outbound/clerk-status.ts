import { answeredEntry, entryAnswerSubject, prepareStatusAnswer, type PreparedAnswer } from '../compose/status-answer.js';
import { appendEvent } from '../db/events.js';
import { enqueue } from '../db/outbox.js';
import { getReceived } from '../db/received.js';
import { getEntry, moveEntry, type EntryRow } from '../db/register.js';
import { inTransaction } from '../db/transaction.js';
import type { StatusCode } from '../edxml/codes.js';
import { BridgeError } from '../errors.js';
import type { Deps } from '../ports.js';
import { hostedAgency } from './submit.js';
import { idOrigin } from '../compose/ids.js';

/** The receiving clerk's steps after registration, and the status code each sends back (docs/status-codes.md §Incoming entry states). */
export const CLERK_STEPS = {
  assigned: { code: '04', from: ['registered'] },
  processing: { code: '05', from: ['registered', 'assigned'] },
  done: { code: '06', from: ['registered', 'assigned', 'processing'] },
} as const satisfies Record<string, { code: StatusCode; from: readonly string[] }>;

export type ClerkStep = keyof typeof CLERK_STEPS;

/** True when `s` names a clerk step. */
export function isClerkStep(s: string): s is ClerkStep {
  return Object.hasOwn(CLERK_STEPS, s);
}

/**
 * Move an incoming register entry on (registered → assigned → processing → done; steps may be
 * skipped, never reversed) by compare-and-set, write its history, and queue the matching status
 * packet (04, 05, 06) to the issuer through the outbox, In-Reply-To the issuer's document mail.
 * Repeating the same step is refused (STATUS_CONFLICT): one packet per step.
 */
export async function setEntryStatus(deps: Deps, entryId: number, step: ClerkStep, note?: string): Promise<{ entry: EntryRow; code: StatusCode; queued: boolean }> {
  const entry = await getEntry(deps.db, entryId);
  if (!entry) throw new BridgeError('NOT_FOUND', `no register entry ${entryId}`);
  const rule = CLERK_STEPS[step];
  if (!(rule.from as readonly string[]).includes(entry.status)) {
    throw new BridgeError('STATUS_CONFLICT', `entry ${entryId} is ${entry.status}; it cannot become ${step} (allowed from: ${rule.from.join(', ')})`);
  }
  const agency = hostedAgency(deps, entry.agency_code);
  const now = deps.ports.clock.now();
  // Paper entries and mails without a sender have no one to answer.
  let answer: PreparedAnswer | undefined;
  if (entry.received_mail_id && entry.sender_address) {
    const received = await getReceived(deps.db, entry.received_mail_id);
    const subject = entryAnswerSubject(agency, idOrigin(deps.config), entry, {
      to: entry.sender_address,
      receivedMailId: entry.received_mail_id,
      documentMessageId: entry.sender_message_id,
      subject: received?.subject ?? '',
    });
    answer = await prepareStatusAnswer(subject, rule.code, now, { note });
    await deps.ports.blobs.putAll(answer.files);
  }
  const queued = await inTransaction(deps.db, async trx => {
    if (!(await moveEntry(trx, entry.id, entry.status, step, { code: rule.code, note: note?.normalize('NFC') ?? null, evidenceSha256: null }, now))) {
      throw new BridgeError('STATUS_CONFLICT', `entry ${entryId} changed concurrently`);
    }
    await appendEvent(trx, now, { event: 'ENTRY_STATUS', agencyCode: agency.code, refType: 'entry', refId: entry.id, data: { from: entry.status, to: step, code: rule.code } });
    if (!answer) return false;
    return (await enqueue(trx, answer.mail(answeredEntry(entry)), now)).created;
  });
  deps.ports.log.info('ENTRY_STATUS', { agency: agency.code, entry: entry.id, from: entry.status, to: step, code: rule.code, queued });
  return { entry: { ...entry, status: step }, code: rule.code, queued };
}
