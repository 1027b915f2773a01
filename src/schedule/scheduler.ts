import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { describeError } from '../errors.js';
import type { Job } from './jobs.js';

/**
 * Single-flight runner: never two runs of a job at once. A trigger that comes while it runs (an
 * IDLE EXISTS for mail that arrived mid-cycle) is not dropped: one more run follows at once.
 */
export function singleFlight(app: App, job: Pick<Job, 'name' | 'run'>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      const started = Date.now();
      app.log.debug('JOB_START', { job: job.name });
      try {
        await job.run(app);
        app.log.debug('JOB_DONE', { job: job.name, ms: Date.now() - started });
      } catch (err) {
        app.log.error('JOB_FAILED', { job: job.name, error: describeError(err) });
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      app.log.debug('JOB_SKIPPED', { job: job.name, rerun: true });
      return running;
    }
    running = loop();
    return running;
  };
}

/** Schedule every job with node-cron in Asia/Ho_Chi_Minh; returns a stop function. */
export function startScheduler(app: App, jobs: Job[]): { stop(): Promise<void>; trigger(name: string): Promise<void> } {
  const runners = new Map(jobs.map(j => [j.name, singleFlight(app, j)]));
  const tasks: ScheduledTask[] = jobs.map(j =>
    cron.schedule(j.cron(app), () => runners.get(j.name)!(), { name: j.name, timezone: 'Asia/Ho_Chi_Minh', noOverlap: true }),
  );
  return {
    async stop() {
      for (const t of tasks) await t.stop();
    },
    async trigger(name) {
      await runners.get(name)?.();
    },
  };
}
