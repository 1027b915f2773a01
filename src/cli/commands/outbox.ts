import { parseArgs } from 'node:util';
import { listOutbox, type OutboxState } from '../../db/outbox.js';
import { BridgeError } from '../../errors.js';
import { printJson, println, type Command } from '../command.js';
import { withApp } from '../with-app.js';

const STATES: readonly OutboxState[] = ['queued', 'sending', 'sent', 'deferred', 'failed'];

/** `outbox list`: what waits, what went, what failed. */
export const outboxListCommand: Command = {
  path: ['outbox', 'list'],
  summary: 'List the outbox (queued, sending, sent, deferred, failed)',
  usage: `outbox list [--state ${STATES.join('|')}] [--agency CODE] [--limit N] [--json]`,
  async run(ctx, argv) {
    const { values } = parseArgs({ args: argv, options: { state: { type: 'string' }, agency: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    if (values.state && !STATES.includes(values.state as OutboxState)) throw new BridgeError('USAGE', `--state must be one of ${STATES.join(', ')}`);
    return withApp(ctx, async app => {
      const rows = await listOutbox(app.db, { state: values.state as OutboxState | undefined, agencyCode: values.agency, limit: values.limit ? Number(values.limit) : undefined });
      const shown = rows.map(r => ({
        id: r.id, agency: r.agency_code, kind: r.kind, to: r.to_address, subject: r.subject, messageId: r.message_id, priority: r.priority,
        state: r.state, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, sentAt: r.sent_at, lastError: r.last_error, lastResponse: r.last_response, createdAt: r.created_at,
      }));
      if (values.json) printJson(ctx, shown);
      else {
        if (shown.length === 0) println(ctx.stdout, 'outbox is empty');
        for (const r of shown) println(ctx.stdout, `${String(r.id).padStart(5)} ${r.state.padEnd(8)} ${r.kind.padEnd(8)} p${r.priority} ${r.to} – ${r.subject}${r.lastError ? ' [' + r.lastError + ']' : ''}`);
      }
      return 0;
    });
  },
};
