import type { App } from '../app.js';
import { defaultBackupDir, runBackup } from '../db/backup.js';
import { runIntakeCycle } from '../inbound/pipeline.js';
import { runOutbox } from '../outbound/send-outbox.js';
import { runOverdue } from '../reconcile/overdue.js';
import { scanDropFolders } from '../outbound/drop-folder.js';
import { runReconcile } from '../reconcile/pipeline.js';
import { runDigest, runHalfYearReport } from '../reconcile/digest.js';

/** A scheduled job: a name, its cron expression (from config.schedules) and what it runs. */
export type Job = { name: string; cron: (app: App) => string; run(app: App): Promise<unknown> };

/**
 * The jobs table (docs/operations.md §Scheduled jobs). The poll is the fallback behind IMAP IDLE; each job is skipped while
 * its previous run is still going (scheduler.ts), so a slow mailbox never piles up cycles.
 */
export const JOBS: Job[] = [
  {
    name: 'intake-poll',
    cron: app => app.config.schedules.poll,
    run: async app => {
      for (const agency of app.config.agencies) await runIntakeCycle(app.intakeDeps(), agency);
    },
  },
  { name: 'outbox', cron: app => app.config.schedules.outbox, run: app => runOutbox(app.outboxDeps()) },
  { name: 'reconcile', cron: app => app.config.schedules.reconcile, run: app => runReconcile(app) },
  { name: 'overdue', cron: app => app.config.schedules.reconcile, run: app => runOverdue(app) },
  { name: 'drop-folder', cron: app => app.config.schedules.outbox, run: app => scanDropFolders(app) },
  { name: 'digest', cron: app => app.config.schedules.digest, run: app => runDigest(app) },
  { name: 'half-year-report', cron: app => app.config.schedules.halfYearReport, run: app => runHalfYearReport(app) },
  { name: 'backup', cron: app => app.config.schedules.backup, run: app => runBackup(app.config, defaultBackupDir(app.config), app.clock.now()) },
];
