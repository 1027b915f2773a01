import type { Command } from '../command.js';
import { agenciesImportCommand, agenciesListCommand } from './agencies.js';
import { configShowCommand } from './config-show.js';
import { dbMigrateCommand } from './db.js';
import { dbBackupCommand } from './db-backup.js';
import { inspectCommand } from './inspect.js';
import {
  quarantineDiscardCommand,
  quarantineListCommand,
  quarantineReleaseCommand,
  quarantineRetryCommand,
  quarantineShowCommand,
} from './quarantine.js';
import { registerListCommand, registerShowCommand } from './register.js';
import { registerExportCommand } from './register-export.js';
import { registerStatusCommand } from './register-status.js';
import { sendCommand } from './send.js';
import { recallCommand } from './recall.js';
import { outboxListCommand } from './outbox.js';
import { reconcileLogCommand, reconcileReportCommand, reconcileRunCommand } from './reconcile.js';
import { runOnceCommand } from './run-once.js';
import { startCommand } from './start.js';
import { verifyCommand } from './verify.js';

/**
 * The command table (imapflow's imap-commands.js habit): one module per command, listed here
 * in the order `edoc-bridge help` prints them. Add one import and one entry per command.
 */
export const COMMANDS: Command[] = [
  startCommand,
  runOnceCommand,
  registerListCommand,
  registerShowCommand,
  registerExportCommand,
  registerStatusCommand,
  sendCommand,
  recallCommand,
  outboxListCommand,
  reconcileReportCommand,
  reconcileRunCommand,
  reconcileLogCommand,
  quarantineListCommand,
  quarantineShowCommand,
  quarantineRetryCommand,
  quarantineReleaseCommand,
  quarantineDiscardCommand,
  inspectCommand,
  verifyCommand,
  agenciesImportCommand,
  agenciesListCommand,
  dbMigrateCommand,
  dbBackupCommand,
  configShowCommand,
];
