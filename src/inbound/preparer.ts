import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BridgeError } from '../errors.js';
import type { TrustConfig } from '../signature/index.js';
import { prepareMail, reviveBuffers, type Prepared } from './prepare.js';
import type { PdfVerifier } from './pdf-check.js';

/** The intake's CPU stage: in this thread, or spread over worker threads (both cores). */
export type Preparer = {
  prepare(raw: Buffer, now: Date): Promise<Prepared>;
  /** True when preparing runs beside the main thread: then it is worth starting ahead. */
  parallel: boolean;
  close(): Promise<void>;
};

/** Prepare in this thread (tests with a fake verifier, `limits.intakeWorkers: 0`). */
export function inProcessPreparer(verifier: PdfVerifier, maxAttachments: number): Preparer {
  return { prepare: (raw, now) => prepareMail(raw, now, verifier, maxAttachments), parallel: false, close: async () => undefined };
}

type Pending = { resolve(p: Prepared): void; reject(e: Error): void; slot: Slot };
type Slot = { worker: Worker; busy: number };

/**
 * A pool of worker threads, started on first use (a CLI command that never takes in mail starts
 * none). Each mail goes to the least busy worker. Workers are unref'd: they never keep the
 * process alive, and close() ends them.
 */
export function workerPreparer(size: number, trust: TrustConfig, maxAttachments: number): Preparer {
  const here = fileURLToPath(import.meta.url);
  const ext = path.extname(here); // .ts under tsx (tests, demo), .js after tsc
  const entry = new URL(`./prepare-worker${ext}`, import.meta.url).href;
  // Run from source, the worker must load tsx itself: `--import` hooks are not inherited by workers.
  const boot = ext === '.ts' ? `import('tsx/esm/api').then(t => { t.register(); return import(${JSON.stringify(entry)}); })` : `import(${JSON.stringify(entry)})`;
  const pending = new Map<number, Pending>();
  let slots: Slot[] | undefined;
  let nextId = 1;

  const spawn = (): Slot => {
    // Functions do not cross to a worker thread: its OCSP look-ups use the worker's own fetch.
    const worker = new Worker(boot, { eval: true, workerData: { trust: { ...trust, ocspFetch: undefined }, maxAttachments } });
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; prepared?: Prepared; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      slot.busy--;
      if (m.error !== undefined) p.reject(new BridgeError('INTERNAL', `prepare worker: ${m.error}`));
      else p.resolve(reviveBuffers(m.prepared!));
    });
    worker.on('error', err => {
      // A crashed worker fails its mails (retried next cycle) and is replaced.
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(new BridgeError('INTERNAL', `prepare worker died: ${err.message}`, { cause: err }));
      }
      const i = slots?.indexOf(slot) ?? -1;
      if (i >= 0) slots![i] = spawn();
    });
    return slot;
  };

  return {
    parallel: true,
    prepare(raw, now) {
      slots ??= Array.from({ length: size }, spawn);
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      return new Promise<Prepared>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        slot.worker.postMessage({ id, raw, now: now.getTime() });
      });
    },
    async close() {
      const all = slots ?? [];
      slots = undefined;
      await Promise.all(all.map(s => s.worker.terminate()));
    },
  };
}
