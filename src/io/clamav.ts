/**
 * Client for ClamAV's clamd over its unix socket (docs/hostile-input.md §Scanning), speaking the
 * INSTREAM command of clamd's protocol (clamd(8)): `zINSTREAM\0`, then the content in chunks each
 * preceded by its length as 4 bytes big-endian, then a zero length; the answer is one
 * NUL-terminated line, `stream: OK` or `stream: <signature> FOUND`, or `... ERROR`.
 * Our own ~100 lines rather than an npm client: the protocol is this small, and the clients on npm
 * either spawn clamscan or stream files from disk; we scan Buffers already in memory, with a
 * deadline per scan and no temporary files.
 */
import { connect } from 'node:net';
import { BridgeError } from '../errors.js';

export type ScanResult = { infected: false } | { infected: true; signature: string };

/** A malware scanner: scan one file's bytes; ping the daemon. */
export type Scanner = {
  scan(content: Buffer): Promise<ScanResult>;
  ping(): Promise<boolean>;
};

export type ClamdOptions = {
  /** Path of clamd's LocalSocket. */
  socket: string;
  /** Deadline for one command, connect to answer (ms). */
  timeoutMs: number;
  /** Bytes per INSTREAM chunk (must stay below clamd's StreamMaxLength). */
  chunkBytes?: number;
};

/** A Scanner talking to clamd at `opts.socket`. */
export function clamdScanner(opts: ClamdOptions): Scanner {
  const chunk = opts.chunkBytes ?? 64 * 1024;
  const ping = async (): Promise<boolean> => {
    try {
      return (await command(opts, [Buffer.from('zPING\0', 'latin1')])) === 'PONG';
    } catch {
      return false;
    }
  };
  return {
    async scan(content) {
      const parts: Buffer[] = [Buffer.from('zINSTREAM\0', 'latin1')];
      for (let i = 0; i < content.length; i += chunk) {
        const piece = content.subarray(i, i + chunk);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(piece.length);
        parts.push(len, piece);
      }
      parts.push(Buffer.alloc(4));
      try {
        return parseScanReply(await command(opts, parts));
      } catch (err) {
        // clamd may close before its size-limit answer is read (the write fails first, and the
        // socket is gone with the answer in it). It closes an INSTREAM mid-stream for nothing
        // else, so when it still answers PING the stream was too long (docs/hostile-input.md §Scanning).
        if (err instanceof BridgeError && err.details?.midStream && (await ping())) {
          throw new BridgeError('SCANNER_SIZE_LIMIT', `clamd closed the stream of ${content.length} bytes before its end (its StreamMaxLength) and answers PING`, { cause: err });
        }
        throw err;
      }
    },
    ping,
  };
}

/** The scanner when none is configured (`scan.mode: off`): never asked; unavailable if it is. */
export const noScanner: Scanner = {
  scan: async () => {
    throw new BridgeError('SCANNER_UNAVAILABLE', 'no scanner configured (scan.socket)');
  },
  ping: async () => false,
};

/** The meaning of clamd's answer to INSTREAM. */
export function parseScanReply(reply: string): ScanResult {
  if (/^stream: OK$/u.test(reply)) return { infected: false };
  const found = /^stream: (.+) FOUND$/u.exec(reply);
  if (found) return { infected: true, signature: found[1]! };
  // clamd's answer once the stream passes its StreamMaxLength (docs/hostile-input.md §Scanning): the file will never be scanned there.
  if (/INSTREAM size limit exceeded/iu.test(reply)) throw new BridgeError('SCANNER_SIZE_LIMIT', `clamd: ${reply}`, { details: { reply } });
  throw new BridgeError('SCANNER_FAILED', `clamd: ${reply || '(empty answer)'}`, { details: { reply } });
}

/** Send one command (already framed) and read the NUL-terminated answer, under the deadline. */
function command(opts: ClamdOptions, parts: Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(opts.socket);
    const chunks: Buffer[] = [];
    let done = false;
    let connected = false;
    let written = false;
    const finish = (err: Error | null, value?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new BridgeError('SCANNER_UNAVAILABLE', `clamd at ${opts.socket} did not answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    socket.on('connect', () => {
      connected = true;
      // Written in order with back-pressure; clamd may answer early (size limit) and close.
      (async () => {
        for (const p of parts) if (!socket.write(p)) await new Promise(r => socket.once('drain', r));
        written = true;
      })().catch(() => undefined);
    });
    socket.on('data', d => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      const nul = all.indexOf(0);
      if (nul >= 0) finish(null, all.subarray(0, nul).toString('utf8').trim());
    });
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('utf8').replace(/\0/gu, '').trim();
      if (!answer && !written) finish(new BridgeError('SCANNER_UNAVAILABLE', `clamd at ${opts.socket} closed the connection before the end of the stream`, { details: { midStream: true } }));
      else finish(null, answer);
    });
    socket.on('error', err => {
      // clamd answers the size limit and closes while we still write (EPIPE, ECONNRESET): its answer wins.
      const answered = Buffer.concat(chunks).toString('utf8').replace(/\0/gu, '').trim();
      if (answered) return finish(null, answered);
      const code = (err as NodeJS.ErrnoException).code;
      const midStream = connected && (code === 'EPIPE' || code === 'ECONNRESET');
      finish(new BridgeError('SCANNER_UNAVAILABLE', `clamd at ${opts.socket} unreachable: ${code ?? err.message}`, { cause: err, details: { code, midStream } }));
    });
  });
}
