import test from 'ava';
import { describeFolderProblems, serverPath } from '../../src/io/imap-folders.js';

const cases: Array<[string, { prefix: string; delimiter: string | null }, string]> = [
  ['edoc/Processed', { prefix: '', delimiter: '.' }, 'edoc.Processed'],
  ['edoc/Processed', { prefix: '', delimiter: '/' }, 'edoc/Processed'],
  ['edoc/Processed', { prefix: 'INBOX.', delimiter: '.' }, 'INBOX.edoc.Processed'],
  ['Processed', { prefix: 'INBOX.', delimiter: '.' }, 'INBOX.Processed'],
  ['INBOX/Processed', { prefix: 'INBOX.', delimiter: '.' }, 'INBOX.Processed'],
  ['inbox/Processed', { prefix: '', delimiter: '.' }, 'INBOX.Processed'],
  ['INBOX', { prefix: 'INBOX.', delimiter: '.' }, 'INBOX'],
  ['inbox', { prefix: '', delimiter: '/' }, 'INBOX'],
  ['Đã xử lý', { prefix: '', delimiter: '.' }, 'Đã xử lý'],
  ['edoc//Processed/', { prefix: '', delimiter: '.' }, 'edoc.Processed'],
];
for (const [configured, ns, expected] of cases) {
  test(`"${configured}" with prefix "${ns.prefix}" and separator "${ns.delimiter}" is "${expected}"`, t => {
    t.is(serverPath(configured, ns), expected);
  });
}

test('problems name the key, both names and the server’s words', t => {
  t.deepEqual(
    describeFolderProblems([
      { role: 'inbox', configured: 'INBOX', path: 'INBOX', state: 'exists' },
      { role: 'processed', configured: 'edoc/Processed', path: 'edoc.Processed', state: 'error', error: 'NO Invalid mailbox name' },
    ]),
    ['folders.processed "edoc/Processed" (server path "edoc.Processed") cannot be created: NO Invalid mailbox name'],
  );
});
