/** Timers the service's loops use, so tests can drive them by hand instead of waiting. */
export type Timers = {
  after(ms: number, fn: () => void): () => void;
  every(ms: number, fn: () => void): () => void;
};

/** Node's timers, unref'd: the service's web server and IMAP sockets keep the process alive, not these. */
export const realTimers: Timers = {
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};
