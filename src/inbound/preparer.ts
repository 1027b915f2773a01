import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeLimits } from '../config/schema.js';
import { BridgeError } from '../errors.js';
import type { TrustConfig } from '../signature/index.js';
import { releaseGarbage } from '../store/release-garbage.js';
import type { StoredMail } from '../store/stored-mail.js';
import { prepareMail, reviveBuffers, type Prepared } from './prepare.js';
import type { PdfVerifier } from './pdf-check.js';
import { ownsItsMemory } from './transfer.js';

/** The intake's CPU stage: in this thread, or in worker threads under a budget per mail. */
export type Preparer = {
  /**
   * `onStart` runs (and is awaited) just before the mail's preparation begins, after any wait for a
   * free worker. A worker pool may take `raw`'s memory (moved, not copied, to the worker): the
   * caller must not read `raw` after this call. A StoredMail is read from the store where it lies.
   */
  prepare(raw: Buffer | StoredMail, now: Date, hooks?: PrepareHooks): Promise<Prepared>;
  /**
   * True when preparing runs beside the main thread (worker threads, even one): then the next mails
   * are worth starting ahead while the main thread routes and commits the current one.
   */
  parallel: boolean;
  close(): Promise<void>;
};

export type PrepareHooks = { onStart?(): Promise<void> };

/**
 * What preparing one mail may cost (docs/hostile-input.md §Per-mail isolation): wall time from the
 * moment a worker takes the mail, the worker's JavaScript heap (V8 `resourceLimits`), and the growth
 * of the process's resident memory while the mail is being prepared (Buffers live outside the heap).
 */
export type PrepareBudget = { timeoutMs: number; maxHeapMb: number; maxGrowthMb: number };

/** Prepare in this thread: no budget (tests with a fake verifier, `limits.prepare.isolation: inline`). */
export function inProcessPreparer(verifier: PdfVerifier, maxAttachments: number, limits?: DecodeLimits): Preparer {
  return {
    prepare: async (raw, now, hooks) => {
      await hooks?.onStart?.();
      return prepareMail(raw, now, verifier, maxAttachments, limits);
    },
    parallel: false,
    close: async () => undefined,
  };
}

type Job = { raw: Buffer | StoredMail; now: Date; hooks?: PrepareHooks; resolve(p: Prepared): void; reject(e: Error): void; timer?: NodeJS.Timeout; startedAt?: number; rssAtStart?: number };
type Slot = { worker: Worker; ready: boolean; gone: boolean; job?: Job };

const MB = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/** A stored mail above this is large: the main thread collects its garbage before handing it on. */
const LARGE_MAIL = 8 * 1024 * 1024;
/** How often the resident memory is looked at while a mail is being prepared. */
const WATCH_MS = 100;

/**
 * A pool of worker threads, started on first use (a CLI command that never takes in mail starts
 * none). Each worker prepares one mail at a time, so a budget exceeded is that mail's: the worker
 * is ended (terminate() stops even a loop that never yields), the mail's result is a budget
 * failure the intake quarantines, and a fresh worker takes the next mail. Workers are unref'd:
 * they never keep the process alive, and close() ends them.
 */
export function workerPreparer(
  size: number,
  trust: TrustConfig,
  maxAttachments: number,
  budget: PrepareBudget,
  opts: { parallel?: boolean; entry?: URL; limits?: DecodeLimits } = {},
): Preparer {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here); // .ts under tsx (tests, demo), .js after tsc
  // `opts.entry`: a stand-in worker speaking the same messages (the budget tests).
  const entry = (opts.entry ?? new URL(`./prepare-worker${ext}`, import.meta.url)).href;
  // Run from source, the worker must load tsx itself: `--import` hooks are not inherited by workers.
  const boot = ext === '.ts' ? `import('tsx/esm/api').then(t => { t.register(); return import(${JSON.stringify(entry)}); })` : `import(${JSON.stringify(entry)})`;
  const queue: Job[] = [];
  let slots: Slot[] | undefined;
  let watch: NodeJS.Timeout | undefined;

  const spawn = (): Slot => {
    // Functions do not cross to a worker thread: its OCSP look-ups use the worker's own fetch.
    const worker = new Worker(boot, {
      eval: true,
      workerData: { trust: { ...trust, ocspFetch: undefined }, maxAttachments, limits: opts.limits },
      resourceLimits: { maxOldGenerationSizeMb: budget.maxHeapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, budget.maxHeapMb >> 3)) },
    });
    worker.unref();
    const slot: Slot = { worker, ready: false, gone: false };
    worker.on('message', (m: { ready?: true; prepared?: Prepared; error?: string }) => {
      if (slot.gone) return;
      if (m.ready) {
        slot.ready = true;
        return pump();
      }
      const job = take(slot);
      if (!job) return;
      if (m.error !== undefined) job.reject(new BridgeError('INTERNAL', `prepare worker: ${m.error}`));
      else job.resolve(reviveBuffers(m.prepared!));
      pump();
    });
    worker.on('error', err => {
      if (slot.gone) return;
      // The heap limit: the mail's budget, not a fault of ours. Any other crash fails the mail (retried next cycle).
      if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') return exceeded(slot, 'memory', `heap limit of ${budget.maxHeapMb} MB reached`);
      const job = take(slot);
      replace(slot);
      job?.reject(new BridgeError('INTERNAL', `prepare worker died: ${err.message}`, { cause: err }));
    });
    worker.on('exit', () => {
      if (slot.gone) return;
      const job = take(slot);
      replace(slot);
      job?.reject(new BridgeError('INTERNAL', 'prepare worker exited'));
    });
    return slot;
  };

  /** The slot's job, its deadline cleared. */
  const take = (slot: Slot): Job | undefined => {
    const job = slot.job;
    slot.job = undefined;
    if (job?.timer) clearTimeout(job.timer);
    return job;
  };

  const replace = (slot: Slot): void => {
    slot.gone = true;
    void slot.worker.terminate().catch(() => undefined);
    const i = slots?.indexOf(slot) ?? -1;
    if (i >= 0) slots![i] = spawn();
  };

  /** The mail on this slot went over its budget: its result says so, its worker is replaced. */
  const exceeded = (slot: Slot, kind: 'time' | 'memory', detail: string): void => {
    const job = take(slot);
    replace(slot);
    job?.resolve({ ok: false, error: `PREPARE_BUDGET_EXCEEDED: ${detail}`, budget: kind });
    pump();
  };

  const pump = (): void => {
    for (const slot of slots ?? []) {
      if (!slot.ready || slot.gone || slot.job || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.job = job;
      void begin(slot, job);
    }
    const busy = (slots ?? []).some(s => s.job);
    if (busy && !watch) {
      watch = setInterval(watchMemory, WATCH_MS);
      watch.unref();
    } else if (!busy && watch) {
      clearInterval(watch);
      watch = undefined;
    }
  };

  /** Hand a mail to its worker, once its start is recorded (hooks.onStart); the budget's clock starts here. */
  const begin = async (slot: Slot, job: Job): Promise<void> => {
    try {
      await job.hooks?.onStart?.();
    } catch (err) {
      if (slot.job === job) slot.job = undefined;
      job.reject(err as Error);
      return pump();
    }
    // A large mail was just downloaded and hashed in this thread: its garbage goes before the worker starts.
    if (!Buffer.isBuffer(job.raw) && job.raw.size > LARGE_MAIL) await releaseGarbage();
    if (slot.gone || slot.job !== job) return;
    job.startedAt = Date.now();
    job.rssAtStart = process.memoryUsage.rss();
    job.timer = setTimeout(() => exceeded(slot, 'time', `not prepared within ${budget.timeoutMs} ms`), budget.timeoutMs);
    job.timer.unref();
    // The raw mail moves to the worker rather than being copied when no one else can see its memory;
    // a stored one is only named: the worker reads it from the store.
    const raw = job.raw;
    job.raw = EMPTY;
    slot.worker.postMessage({ raw, now: job.now.getTime() }, Buffer.isBuffer(raw) && ownsItsMemory(raw) ? [raw.buffer as ArrayBuffer] : []);
  };

  /** Resident memory grown past the budget since the oldest running mail began: that mail is ended. */
  const watchMemory = (): void => {
    const running = (slots ?? []).filter(s => s.job?.startedAt !== undefined).sort((a, b) => a.job!.startedAt! - b.job!.startedAt!);
    const oldest = running[0];
    if (!oldest) return;
    const grown = (process.memoryUsage.rss() - oldest.job!.rssAtStart!) / MB;
    if (grown > budget.maxGrowthMb) exceeded(oldest, 'memory', `resident memory grew by ${Math.round(grown)} MB (budget ${budget.maxGrowthMb} MB)`);
  };

  return {
    parallel: opts.parallel ?? true,
    prepare(raw, now, hooks) {
      slots ??= Array.from({ length: size }, spawn);
      return new Promise<Prepared>((resolve, reject) => {
        queue.push({ raw, now, hooks, resolve, reject });
        pump();
      });
    },
    async close() {
      const all = slots ?? [];
      slots = undefined;
      if (watch) clearInterval(watch);
      watch = undefined;
      for (const s of all) s.gone = true;
      for (const job of queue.splice(0)) job.reject(new BridgeError('INTERNAL', 'preparer closed'));
      await Promise.all(all.map(s => s.worker.terminate()));
    },
  };
}
