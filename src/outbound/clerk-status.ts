import { appendEvent } from '../db/events.js';
import { getEntry, type EntryRow } from '../db/register.js';
import { getReceived } from '../db/received.js';
import type { StatusCode } from '../edxml/codes.js';
import { BridgeError } from '../errors.js';
import { entryAnswerSubject, queueStatusAnswer } from '../inbound/answer.js';
import { inTransaction } from '../inbound/commit.js';
import type { OutgoingDeps } from './deps.js';
import { hostedAgency } from './submit.js';

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
export async function setEntryStatus(deps: OutgoingDeps, entryId: number, step: ClerkStep, note?: string): Promise<{ entry: EntryRow; code: StatusCode; queued: boolean }> {
  const entry = await getEntry(deps.db, entryId);
  if (!entry) throw new BridgeError('NOT_FOUND', `no register entry ${entryId}`);
  const rule = CLERK_STEPS[step];
  if (!(rule.from as readonly string[]).includes(entry.status)) {
    throw new BridgeError('STATUS_CONFLICT', `entry ${entryId} is ${entry.status}; it cannot become ${step} (allowed from: ${rule.from.join(', ')})`);
  }
  const agency = hostedAgency(deps, entry.agency_code);
  const received = entry.received_mail_id ? await getReceived(deps.db, entry.received_mail_id) : undefined;
  const now = deps.clock.now();
  const queued = await inTransaction(deps.db, async trx => {
    const n = await trx('register_entries').where({ id: entry.id, status: entry.status }).update({ status: step });
    if (n !== 1) throw new BridgeError('STATUS_CONFLICT', `entry ${entryId} changed concurrently`);
    await trx('status_history').insert({ subject_type: 'entry', subject_id: entry.id, from_state: entry.status, to_state: step, code: rule.code, note: note?.normalize('NFC') ?? null, evidence_sha256: null, at: now.toISOString() });
    await appendEvent(trx, now, { event: 'ENTRY_STATUS', agencyCode: agency.code, refType: 'entry', refId: entry.id, data: { from: entry.status, to: step, code: rule.code } });
    // Paper entries and mails without a sender have no one to answer.
    if (!entry.received_mail_id || !entry.sender_address) return false;
    return queueStatusAnswer(
      trx,
      deps.blobs,
      entryAnswerSubject(agency, deps.config.instance.domain, entry, {
        to: entry.sender_address,
        receivedMailId: entry.received_mail_id,
        documentMessageId: entry.sender_message_id,
        subject: received?.subject ?? '',
      }),
      rule.code,
      now,
      { note },
    );
  });
  deps.log.info('ENTRY_STATUS', { agency: agency.code, entry: entry.id, from: entry.status, to: step, code: rule.code, queued });
  return { entry: { ...entry, status: step }, code: rule.code, queued };
}
