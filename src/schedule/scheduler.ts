import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../app.js';
import { describeError } from '../errors.js';
import type { CycleTrigger } from './cycle-runner.js';
import type { Job } from './jobs.js';

/**
 * Single-flight runner: never two runs of a job at once. A trigger that comes while it runs is
 * not dropped: one more run follows at once.
 */
function singleFlight(app: App, job: Pick<Job, 'name'> & { run(): Promise<unknown> }): () => Promise<void> {
  const { log } = app.ports;
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      const started = Date.now();
      log.debug('JOB_START', { job: job.name });
      try {
        await job.run();
        log.debug('JOB_DONE', { job: job.name, ms: Date.now() - started });
      } catch (err) {
        log.error('JOB_FAILED', { job: job.name, error: describeError(err) });
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      log.debug('JOB_SKIPPED', { job: job.name, rerun: true });
      return running;
    }
    running = loop();
    return running;
  };
}

/** Schedule every job with node-cron in Asia/Ho_Chi_Minh; returns a stop function. */
export function startScheduler(app: App, jobs: Job[], cycle: CycleTrigger): { stop(): Promise<void> } {
  const runners = new Map(jobs.map(j => [j.name, singleFlight(app, { name: j.name, run: () => j.run(app, cycle) })]));
  const tasks: ScheduledTask[] = jobs.map(j =>
    cron.schedule(j.cron(app), () => runners.get(j.name)!(), { name: j.name, timezone: 'Asia/Ho_Chi_Minh', noOverlap: true }),
  );
  return {
    async stop() {
      for (const t of tasks) await t.stop();
    },
  };
}
