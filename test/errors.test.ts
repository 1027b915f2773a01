/**
 * The error catalogue carries each code's behaviour, and the CLI, the API, the drop folder and the
 * transactions read it through one function each (src/errors.ts).
 */
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BridgeError, ERROR_CODES, errorSpec, exitCodeOf, httpStatusOf, isRetryable, type ErrorCode } from '../src/errors.js';
import { readTree } from './helpers/structure.js';

const behaviour: Array<[ErrorCode, 1 | 2, number, boolean]> = [
  // code, exit, http, retry
  ['CONFIG_INVALID', 2, 500, false],
  ['CONFIG_NOT_FOUND', 2, 500, false],
  ['SECRET_MISSING', 2, 500, false],
  ['USAGE', 2, 400, false],
  ['DB_CONFLICT', 1, 409, true],
  ['NOT_FOUND', 1, 404, false],
  ['BLOB_MISSING', 1, 500, false],
  ['IMAP_UNAVAILABLE', 1, 503, true],
  ['IMAP_AUTH', 1, 503, false],
  ['IMAP_FOLDER', 1, 503, false],
  ['IMAP_TIMEOUT', 1, 504, true],
  ['STATUS_CONFLICT', 1, 409, false],
  ['PDF_UNREADABLE', 1, 400, false],
  ['EDXML_INVALID', 1, 400, false],
  ['SIGNING_FAILED', 1, 500, false],
  ['KEY_UNAVAILABLE', 1, 503, true],
  ['DB_DUPLICATE', 1, 409, false],
  ['MAIL_UNPARSEABLE', 1, 400, false],
  ['SCANNER_UNAVAILABLE', 1, 503, true],
  ['SCANNER_FAILED', 1, 500, true],
  ['SCANNER_SIZE_LIMIT', 1, 500, false],
  ['AUTH_REQUIRED', 1, 401, false],
  ['FORBIDDEN', 1, 403, false],
  ['CSRF_REFUSED', 1, 403, false],
  ['LOGIN_LOCKED', 1, 429, false],
  ['UPLOAD_TOO_LARGE', 1, 413, false],
  ['INTERNAL', 1, 500, true],
];
for (const [code, exit, http, retry] of behaviour) {
  test(`${code}: exit ${exit}, HTTP ${http}, ${retry ? 'retried' : 'not retried'}`, t => {
    const err = new BridgeError(code, 'x');
    t.is(exitCodeOf(err), exit);
    t.is(httpStatusOf(err), http);
    t.is(isRetryable(err), retry);
    t.is(new BridgeError(code).message, errorSpec(code).message, 'the catalogue message is the default');
  });
}

test('what is not a BridgeError: a handled failure (exit 1), a 500, retried (unknown ground)', t => {
  const err = new Error('socket hang up');
  t.deepEqual([exitCodeOf(err), httpStatusOf(err), isRetryable(err)], [1, 500, true]);
  t.deepEqual([exitCodeOf('x'), httpStatusOf(undefined)], [1, 500]);
});

test("node's own argument parser errors are bad usage (exit 2)", t => {
  const err = Object.assign(new TypeError("Unknown option '--x'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  t.is(exitCodeOf(err), 2);
  t.is(exitCodeOf(new TypeError('x is not a function')), 1);
});

test('the thrower may know better than the catalogue: details.retry overrides it both ways', t => {
  t.false(isRetryable(new BridgeError('DB_CONFLICT', 'already finished', { details: { retry: false } })));
  t.true(isRetryable(new BridgeError('NOT_FOUND', 'not yet', { details: { retry: true } })));
  t.true(isRetryable(new BridgeError('DB_CONFLICT', 'lost the counter race', { details: { retry: true } })));
});

test('every catalogued code is thrown (or recorded) somewhere in src/: unused codes go', t => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const sources = [...readTree(root)].filter(([file]) => file !== 'src/errors.ts').map(([, text]) => text).join('\n');
  const unused = Object.keys(ERROR_CODES).filter(code => !sources.includes(`'${code}'`));
  t.deepEqual(unused, []);
});
