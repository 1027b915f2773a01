/** A stand-in verifier that hangs on every input (to show the fuzz harness names hanging inputs). */
process.on('message', () => { for (;;) { /* spin, as an infinite parser loop would */ } });
process.send!({ ready: true });
