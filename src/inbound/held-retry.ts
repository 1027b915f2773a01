import type { HostedAgency } from '../config/schema.js';
import { listHeld, type ReceivedRow } from '../db/received.js';
import type { Deps } from '../ports.js';

/**
 * Held mails that are not in the inbox (docs/hostile-input.md §Scanning): a mail the operator
 * retried from the quarantine while the scanner was down is held in the Quarantine folder, where
 * no intake cycle lists it. Each cycle hands such mails to `take` (prepared again from their
 * stored raw bytes) once the scanner answers, so a held mail always comes back. `seen`: the
 * received rows this cycle took from the inbox already. Returns how many were taken.
 */
export async function retryHeldElsewhere(deps: Deps, agency: HostedAgency, seen: ReadonlySet<number>, take: (row: ReceivedRow) => Promise<void>): Promise<number> {
  if (deps.config.scan.mode === 'off') return 0;
  const rows = (await listHeld(deps.db, agency.code)).filter(r => !seen.has(r.id));
  if (rows.length === 0) return 0;
  // Scanner still down: preparing them again would only hold them again.
  if (!(await deps.ports.scanner.ping())) return 0;
  for (const row of rows) {
    deps.ports.log.info('INTAKE_HELD_RETRY', { agency: agency.code, received: row.id, receivedAt: row.received_at });
    await take(row);
  }
  return rows.length;
}
