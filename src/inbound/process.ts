import type { HostedAgency } from '../config/schema.js';
import { agencyByAddress } from '../db/agencies.js';
import type { ReceivedRow } from '../db/received.js';
import { classify } from '../mail/classify.js';
import type { Deps } from '../ports.js';
import { storedMail } from '../store/stored-mail.js';
import { commitQuarantine } from './commit.js';
import type { PrepareHooks, Preparer } from './preparer.js';
import type { Prepared } from './prepare.js';
import { ROUTES, type ProcessOutcome } from './routes.js';

export type { ProcessOutcome };

/**
 * Prepare a mail from its stored raw bytes (a retry from quarantine, a mail not prepared ahead).
 * Its own function so the raw bytes are garbage once parsed.
 */
export async function prepareStored(deps: Deps & { preparer: Preparer }, row: ReceivedRow, raw?: Buffer, hooks?: PrepareHooks): Promise<Prepared> {
  // From the file store the worker reads the mail itself, as a stream (docs/hostile-input.md §Memory of one large mail).
  const source = raw ?? storedMail(deps.ports.blobs, row.raw_sha256, row.raw_size) ?? (await deps.ports.blobs.get(row.raw_sha256));
  return deps.preparer.prepare(source, deps.ports.clock.now(), hooks);
}

/**
 * The stages of one received mail whose raw bytes are stored: size check → prepare (parse, PDF
 * checks; maybe done ahead) → classify (with what the mailbox knows: the sender in the directory,
 * its own address) → its ROUTE (routes.ts), which commits. Expected outcomes (refusal, quarantine)
 * are committed; only unexpected failures throw, and the caller counts them as attempts.
 */
export async function processReceived(
  deps: Deps & { preparer: Preparer },
  agency: HostedAgency,
  row: ReceivedRow,
  preparedAhead?: Prepared,
  opts: { notDownloaded?: boolean } = {},
): Promise<ProcessOutcome> {
  const limits = deps.config.limits;
  if (row.raw_size > limits.maxMailBytes) {
    // docs/mail.md §Mails over the size limit: the detail says whether the body was ever fetched.
    const detail = opts.notDownloaded
      ? `the server reported ${row.raw_size} bytes; limit is ${limits.maxMailBytes}; not downloaded (only a note of the server's size is kept; the mail stays on the server)`
      : `mail is ${row.raw_size} bytes; limit is ${limits.maxMailBytes}`;
    await commitQuarantine(deps, agency, row, 'MAIL_TOO_LARGE', detail);
    return { outcome: 'quarantined', kind: null, detail };
  }
  const prepared = preparedAhead ?? (await prepareStored(deps, row));
  if (!prepared.ok && prepared.budget) {
    // docs/hostile-input.md §Per-mail isolation: the operator reads the budget in the reason and in the log.
    deps.ports.log.warn('INTAKE_BUDGET_EXCEEDED', { agency: agency.code, received: row.id, budget: prepared.budget, detail: prepared.error });
    await commitQuarantine(deps, agency, row, 'PREPARE_BUDGET_EXCEEDED', prepared.error);
    return { outcome: 'quarantined', kind: null, detail: prepared.error };
  }
  if (!prepared.ok && prepared.limit) {
    // A bomb stopped by a decode limit (docs/hostile-input.md §Limits): quarantined with the limit's reason.
    await commitQuarantine(deps, agency, row, prepared.limit.reasonCode, prepared.limit.detail);
    return { outcome: 'quarantined', kind: null, detail: prepared.limit.reasonCode };
  }
  if (!prepared.ok) {
    await commitQuarantine(deps, agency, row, 'MAIL_UNPARSEABLE', prepared.error);
    return { outcome: 'quarantined', kind: null, detail: prepared.error };
  }
  const { mail } = prepared;
  const sender = mail.from ? await agencyByAddress(deps.db, mail.from.address) : undefined;
  const { kind } = classify(mail, { knownSender: !!sender, ownAddress: agency.email });
  deps.ports.log.debug('INTAKE_CLASSIFIED', { agency: agency.code, received: row.id, kind });
  return ROUTES[kind](deps, { agency, row, prepared, sender, seen: { from: mail.from?.address ?? null, subject: mail.subject, kind } });
}
