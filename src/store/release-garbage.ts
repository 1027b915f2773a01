import { measureMemory } from 'node:vm';

/**
 * Collect this thread's garbage now, before a large allocation (docs/hostile-input.md §Memory of one
 * large mail). Streaming a 50 MB mail leaves its chunks behind as garbage; V8 collects ArrayBuffers
 * only once about 64 MB of them has piled up since the last collection, per thread, so without this
 * that garbage sits beside the next large Buffer. `vm.measureMemory` in eager mode is the one way to
 * ask for a full collection without a command-line flag; its one-time ExperimentalWarning is kept
 * out of the log (the log is one JSON event per line).
 */
export async function releaseGarbage(): Promise<void> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (!String(warning instanceof Error ? warning.message : warning).includes('measureMemory')) (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  let measured: Promise<unknown>;
  try {
    measured = measureMemory({ mode: 'summary', execution: 'eager' });
  } catch {
    return; // not available: the garbage goes at V8's own pace
  } finally {
    process.emitWarning = emit;
  }
  await measured.catch(() => undefined);
}
