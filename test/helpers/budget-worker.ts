/**
 * A stand-in for the intake's prepare worker (src/inbound/prepare-worker.ts), same messages, for
 * the budget tests: the raw mail's text says what to do — `spin` loops for ever, `heap` fills the
 * JavaScript heap, `buffers` allocates resident memory outside the heap, `crash` throws out of the
 * worker; anything else is answered at once as an unparseable mail echoing the text.
 */
import { parentPort } from 'node:worker_threads';

const keep: unknown[] = [];
parentPort!.on('message', (m: { raw: Uint8Array }) => {
  const text = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength).toString('utf8');
  if (text === 'spin') for (;;) { /* an infinite parser loop */ }
  if (text === 'heap') for (;;) keep.push(new Array(1_000_000).fill(keep.length));
  if (text === 'buffers') {
    const grow = (): void => {
      keep.push(Buffer.alloc(32 * 1024 * 1024, 1));
      setTimeout(grow, 5);
    };
    return grow();
  }
  if (text === 'crash') setImmediate(() => { throw new Error('worker blew up'); });
  else parentPort!.postMessage({ prepared: { ok: false, error: `echo ${text}` } });
});
parentPort!.postMessage({ ready: true });
