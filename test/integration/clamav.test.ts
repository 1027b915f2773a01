import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clamdScanner } from '../../src/io/clamav.js';
import { isBridgeError } from '../../src/errors.js';
import { documentPdf } from '../helpers/documents.js';
import { TEST_SIGNATURES, clamavScript, requireClamd } from '../helpers/clamav.js';

test('EICAR is found by the real clamd', async t => {
  const socket = await requireClamd(t);
  if (!socket) return;
  const r = await clamdScanner({ socket, timeoutMs: 10_000 }).scan(Buffer.from(TEST_SIGNATURES.eicar.text));
  t.deepEqual(r, { infected: true, signature: TEST_SIGNATURES.eicar.name });
});

test('the custom test signature is found inside a PDF, across INSTREAM chunk boundaries', async t => {
  const socket = await requireClamd(t);
  if (!socket) return;
  const pdf = await documentPdf();
  // Put the signature across the boundary of two 1 KiB chunks.
  const at = 1024 - 10;
  const infected = Buffer.concat([pdf.subarray(0, at), Buffer.from(TEST_SIGNATURES.custom.text), pdf.subarray(at)]);
  const r = await clamdScanner({ socket, timeoutMs: 10_000, chunkBytes: 1024 }).scan(infected);
  t.deepEqual(r, { infected: true, signature: TEST_SIGNATURES.custom.name });
});

test('a clean PDF passes', async t => {
  const socket = await requireClamd(t);
  if (!socket) return;
  t.deepEqual(await clamdScanner({ socket, timeoutMs: 10_000 }).scan(await documentPdf()), { infected: false });
});

test('clamd stopped: SCANNER_UNAVAILABLE, and found again once it is back', async t => {
  if (!(await requireClamd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-'));
  t.teardown(async () => {
    clamavScript('stop', dir);
    await rm(dir, { recursive: true, force: true });
  });
  const socket = path.join(dir, 'run', 'clamd.sock');
  t.is(clamavScript('start', dir).code, 0);
  const scanner = clamdScanner({ socket, timeoutMs: 10_000 });
  t.deepEqual(await scanner.scan(Buffer.from(TEST_SIGNATURES.eicar.text)), { infected: true, signature: TEST_SIGNATURES.eicar.name });
  t.is(clamavScript('stop', dir).code, 0);
  t.false(await scanner.ping());
  const err = await t.throwsAsync(scanner.scan(Buffer.from('x')));
  t.true(isBridgeError(err, 'SCANNER_UNAVAILABLE'), String(err));
  t.is(clamavScript('start', dir).code, 0);
  t.deepEqual(await scanner.scan(Buffer.from('nothing here')), { infected: false });
});

test('a file over clamd StreamMaxLength (CLAMAV_STREAM_MAX=4K): SCANNER_SIZE_LIMIT, not unavailable; a smaller one is still scanned', async t => {
  if (!(await requireClamd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-small-'));
  t.teardown(async () => {
    clamavScript('stop', dir);
    await rm(dir, { recursive: true, force: true });
  });
  const started = clamavScript('start', dir, { CLAMAV_STREAM_MAX: '4K' });
  t.is(started.code, 0, started.out);
  const scanner = clamdScanner({ socket: path.join(dir, 'run', 'clamd.sock'), timeoutMs: 10_000, chunkBytes: 1024 });
  const err = await t.throwsAsync(scanner.scan(Buffer.concat([Buffer.alloc(64 * 1024, 'a'), Buffer.from(TEST_SIGNATURES.eicar.text)])));
  t.true(isBridgeError(err, 'SCANNER_SIZE_LIMIT'), String(err));
  t.regex(err!.message, /INSTREAM size limit exceeded|StreamMaxLength/u);
  t.deepEqual(await scanner.scan(Buffer.from(TEST_SIGNATURES.eicar.text)), { infected: true, signature: TEST_SIGNATURES.eicar.name });
});

test('a peer that accepts and never answers: SCANNER_UNAVAILABLE after the deadline', async t => {
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-dead-'));
  const socket = path.join(dir, 's.sock');
  const server = createServer(() => undefined).listen(socket);
  t.teardown(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await new Promise(r => server.once('listening', r));
  const err = await t.throwsAsync(clamdScanner({ socket, timeoutMs: 300 }).scan(Buffer.from('x')));
  t.true(isBridgeError(err, 'SCANNER_UNAVAILABLE'));
  t.regex(err!.message, /did not answer within 300 ms/u);
});

/** A fake clamd on a unix socket: answers PING when `alive`, and closes every INSTREAM after 8 KiB without an answer. */
async function closingPeer(t: import('ava').ExecutionContext, alive: boolean): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'clam-close-'));
  const socket = path.join(dir, 's.sock');
  const server = createServer(conn => {
    let got = 0;
    conn.on('error', () => undefined);
    conn.on('data', d => {
      if (got === 0 && d.subarray(0, 6).toString('latin1') === 'zPING\0') {
        if (alive) conn.end('PONG\0');
        else conn.destroy();
        return;
      }
      got += d.length;
      if (got >= 8192) conn.destroy();
    });
  }).listen(socket);
  t.teardown(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await new Promise(r => server.once('listening', r));
  return socket;
}

test('clamd closes the stream before its end (its answer lost) and still answers PING: SCANNER_SIZE_LIMIT', async t => {
  const socket = await closingPeer(t, true);
  const err = await t.throwsAsync(clamdScanner({ socket, timeoutMs: 5000, chunkBytes: 1024 }).scan(Buffer.alloc(4 * 1024 * 1024, 'a')));
  t.true(isBridgeError(err, 'SCANNER_SIZE_LIMIT'), String(err));
  t.regex(err!.message, /closed the stream of 4194304 bytes/u);
});

test('a peer that closes mid-stream and then does not answer PING: SCANNER_UNAVAILABLE (held, not quarantined)', async t => {
  const socket = await closingPeer(t, false);
  const err = await t.throwsAsync(clamdScanner({ socket, timeoutMs: 5000, chunkBytes: 1024 }).scan(Buffer.alloc(4 * 1024 * 1024, 'a')));
  t.true(isBridgeError(err, 'SCANNER_UNAVAILABLE'), String(err));
});
