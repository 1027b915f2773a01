import { appendEvent } from '../db/events.js';
import { getQuarantine, resolveQuarantine } from '../db/quarantine.js';
import { closeQuarantinedMail, getReceived, reopenQuarantined } from '../db/received.js';
import { inTransaction } from '../db/transaction.js';
import { BridgeError } from '../errors.js';
import type { Deps } from '../ports.js';
import type { IntakeDeps } from './deps.js';
import { processReceived, type ProcessOutcome } from './process.js';

/**
 * Operator actions on a quarantined mail. The raw mail is never deleted: `discard` only closes
 * the case, `release` hands it to the clerk as it is, `retry` runs the pipeline again from the
 * stored raw bytes (after a fix in configuration or code).
 */
export async function retryQuarantined(deps: IntakeDeps, id: number): Promise<ProcessOutcome> {
  const q = await getQuarantine(deps.db, id);
  if (!q) throw new BridgeError('NOT_FOUND', `no quarantine entry ${id}`);
  const agency = deps.config.agencies.find(a => a.code === q.agency_code);
  if (!agency) throw new BridgeError('NOT_FOUND', `agency ${q.agency_code} is not configured`);
  const now = deps.ports.clock.now();
  await inTransaction(deps.db, async trx => {
    await resolveQuarantine(trx, id, 'retried', now);
    if (!(await reopenQuarantined(trx, q.received_mail_id))) throw new BridgeError('STATUS_CONFLICT', `received mail ${q.received_mail_id} is not quarantined`);
    await appendEvent(trx, now, { event: 'QUARANTINE_RETRY', agencyCode: q.agency_code, refType: 'quarantine', refId: id });
  });
  deps.ports.log.info('QUARANTINE_RETRY', { quarantine: id, received: q.received_mail_id });
  const row = await getReceived(deps.db, q.received_mail_id);
  return processReceived(deps, agency, row!);
}

/** Close a quarantine case as released (clerk handles it by hand) or discarded; raw kept. */
export async function closeQuarantined(deps: Deps, id: number, to: 'released' | 'discarded'): Promise<void> {
  const now = deps.ports.clock.now();
  const event = to === 'released' ? 'QUARANTINE_RELEASE' : 'QUARANTINE_DISCARD';
  await inTransaction(deps.db, async trx => {
    const q = await resolveQuarantine(trx, id, to, now);
    await closeQuarantinedMail(trx, q.received_mail_id, to);
    await appendEvent(trx, now, { event, agencyCode: q.agency_code, refType: 'quarantine', refId: id });
  });
  deps.ports.log.info(event, { quarantine: id });
}
