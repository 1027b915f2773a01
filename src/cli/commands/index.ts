import type { Command } from '../command.js';

/** A command's words and where its module is: loaded only when the command runs (a fast start). */
export type CommandEntry = { path: string[]; load(): Promise<Command> };

const entry = (path: string, load: () => Promise<Command>): CommandEntry => ({ path: path.split(' '), load });

/**
 * The command table (imapflow's imap-commands.js habit): one module per command, listed here in
 * the order `edoc-bridge help` prints them. Modules are imported lazily, so `inspect` or
 * `register list` never load the IMAP, SMTP and PDF stacks. Add one entry per command.
 */
export const COMMANDS: CommandEntry[] = [
  entry('start', async () => (await import('./start.js')).startCommand),
  entry('run', async () => (await import('./run-once.js')).runOnceCommand),
  entry('status', async () => (await import('./status.js')).statusCommand),
  entry('register list', async () => (await import('./register.js')).registerListCommand),
  entry('register show', async () => (await import('./register.js')).registerShowCommand),
  entry('register add', async () => (await import('./register-add.js')).registerAddCommand),
  entry('register export', async () => (await import('./register-export.js')).registerExportCommand),
  entry('register status', async () => (await import('./register-status.js')).registerStatusCommand),
  entry('send', async () => (await import('./send.js')).sendCommand),
  entry('recall', async () => (await import('./recall.js')).recallCommand),
  entry('outbox list', async () => (await import('./outbox.js')).outboxListCommand),
  entry('reconcile report', async () => (await import('./reconcile.js')).reconcileReportCommand),
  entry('reconcile run', async () => (await import('./reconcile.js')).reconcileRunCommand),
  entry('reconcile log', async () => (await import('./reconcile.js')).reconcileLogCommand),
  entry('report half-year', async () => (await import('./report.js')).reportHalfYearCommand),
  entry('quarantine list', async () => (await import('./quarantine.js')).quarantineListCommand),
  entry('quarantine show', async () => (await import('./quarantine.js')).quarantineShowCommand),
  entry('quarantine retry', async () => (await import('./quarantine.js')).quarantineRetryCommand),
  entry('quarantine release', async () => (await import('./quarantine.js')).quarantineReleaseCommand),
  entry('quarantine discard', async () => (await import('./quarantine.js')).quarantineDiscardCommand),
  entry('inspect', async () => (await import('./inspect.js')).inspectCommand),
  entry('verify', async () => (await import('./verify.js')).verifyCommand),
  entry('agencies import', async () => (await import('./agencies.js')).agenciesImportCommand),
  entry('agencies list', async () => (await import('./agencies.js')).agenciesListCommand),
  entry('db migrate', async () => (await import('./db.js')).dbMigrateCommand),
  entry('db backup', async () => (await import('./db-backup.js')).dbBackupCommand),
  entry('audit verify', async () => (await import('./audit.js')).auditVerifyCommand),
  entry('config show', async () => (await import('./config-show.js')).configShowCommand),
  entry('config check', async () => (await import('./config-check.js')).configCheckCommand),
  // Web app accounts and API tokens (src/web/, docs/security.md)
  entry('users add', async () => (await import('./users.js')).usersAddCommand),
  entry('users list', async () => (await import('./users.js')).usersListCommand),
  entry('users disable', async () => (await import('./users.js')).usersDisableCommand),
  entry('users passwd', async () => (await import('./users.js')).usersPasswdCommand),
  entry('tokens create', async () => (await import('./tokens.js')).tokensCreateCommand),
  entry('tokens list', async () => (await import('./tokens.js')).tokensListCommand),
  entry('tokens revoke', async () => (await import('./tokens.js')).tokensRevokeCommand),
];
