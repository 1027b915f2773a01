import type { App } from '../app.js';
import { defaultBackupDir, runBackup } from '../db/backup.js';
import { runDigest, runHalfYearReport } from '../register/digest.js';
import type { CycleTrigger } from './cycle-runner.js';

/** A scheduled job: a name, its cron expression (from config.schedules) and what it runs. */
export type Job = { name: string; cron: (app: App) => string; run(app: App, cycle: CycleTrigger): Promise<unknown> };

/**
 * The jobs table (docs/operations.md §Scheduled jobs). The pipelines run as cycles (src/cycle.ts) through the service's one cycle
 * runner: the poll schedule runs a whole cycle (the fallback behind IMAP IDLE), the outbox and
 * reconcile schedules run their stages more (or less) often. Each job is skipped while its previous
 * run is still going (scheduler.ts), so a slow mailbox never piles up cycles.
 */
export const JOBS: Job[] = [
  { name: 'cycle', cron: app => app.config.schedules.poll, run: (_app, cycle) => cycle() },
  { name: 'send', cron: app => app.config.schedules.outbox, run: (_app, cycle) => cycle({ only: ['submissions', 'outbox', 'record-sends'] }) },
  { name: 'reconcile', cron: app => app.config.schedules.reconcile, run: (_app, cycle) => cycle({ only: ['reconcile', 'overdue'] }) },
  { name: 'digest', cron: app => app.config.schedules.digest, run: app => runDigest(app) },
  { name: 'half-year-report', cron: app => app.config.schedules.halfYearReport, run: app => runHalfYearReport(app) },
  { name: 'backup', cron: app => app.config.schedules.backup, run: app => runBackup(app.config, defaultBackupDir(app.config), app.ports.clock.now()) },
];
