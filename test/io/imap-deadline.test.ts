/**
 * A server whose answers imapflow never finishes with must cost one deadline, not a hung cycle
 * (docs/mail.md §IMAP servers): a scripted IMAP server on loopback answers `NAMESPACE NIL`, or
 * nothing at all to one command.
 */
import net from 'node:net';
import test from 'ava';
import { validateConfig } from '../../src/config/load.js';
import { isBridgeError } from '../../src/errors.js';
import { openImapMailbox, probeMailbox } from '../../src/io/imap.js';

type Script = { namespace: string | null; silentOn?: string };

/** A minimal IMAP server: enough for imapflow's login sequence, LIST and LOGOUT. */
async function scriptedServer(script: Script): Promise<{ port: number; close(): Promise<void>; seen: string[] }> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 NAMESPACE AUTH=PLAIN] scripted\r\n');
    let buf = '';
    socket.on('data', d => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd = ''] = line.split(' ');
        const verb = cmd.toUpperCase();
        seen.push(verb);
        if (verb === script.silentOn) continue;
        const out: string[] = [];
        if (verb === 'CAPABILITY') out.push('* CAPABILITY IMAP4rev1 NAMESPACE AUTH=PLAIN');
        if (verb === 'NAMESPACE' && script.namespace) out.push(script.namespace);
        if (verb === 'LIST') out.push('* LIST (\\HasNoChildren) "." INBOX', '* LIST (\\HasNoChildren) "." Processed', '* LIST (\\HasNoChildren) "." Quarantine');
        if (verb === 'LOGOUT') out.push('* BYE bye');
        out.push(`${tag} OK done`);
        socket.write(out.map(l => `${l}\r\n`).join(''));
        if (verb === 'LOGOUT') socket.end();
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

function agencyOn(port: number) {
  const config = validateConfig(
    {
      instance: { domain: 'edoc.vinhlong.test' },
      storage: { database: { filename: ':memory:' }, blobs: '/tmp/unused' },
      agencies: [
        {
          code: '000.00.31.H62',
          name: 'Sở Y tế tỉnh Vĩnh Long',
          email: 'vanthu@soyte.vinhlong.test',
          imap: { host: '127.0.0.1', port, secure: false, starttls: false, allowCleartext: true, user: 'vanthu', passwordEnv: 'P', timeoutSeconds: 2 },
          smtp: { host: '127.0.0.1', port: 1, user: 'vanthu', passwordEnv: 'P' },
        },
      ],
    },
    { env: { P: 'x' } },
  );
  return config.agencies[0]!;
}

test('a NAMESPACE NIL answer: the mailbox opens or fails within its deadline, never hangs', async t => {
  const srv = await scriptedServer({ namespace: '* NAMESPACE NIL NIL NIL' });
  t.teardown(() => srv.close());
  // The deadline is 2 s; a hang would run into imapflow's socket timeout (minutes). The test's own
  // limit fails that case without asserting on a measured time (generous: a loaded machine passes).
  t.timeout(15_000, 'the probe hung past its deadline');
  const outcome = await probeMailbox(agencyOn(srv.port)).then(
    p => ({ ok: true as const, p }),
    err => ({ ok: false as const, err }),
  );
  t.true(srv.seen.includes('NAMESPACE'), `the server was asked for its namespace: ${srv.seen.join(' ')}`);
  if (outcome.ok) t.deepEqual(outcome.p.folders.map(f => f.state), ['exists', 'exists', 'exists']);
  else t.true(isBridgeError(outcome.err, 'IMAP_TIMEOUT'), String(outcome.err));
});

test('a command the server never answers fails with IMAP_TIMEOUT naming it', async t => {
  const srv = await scriptedServer({ namespace: '* NAMESPACE (("" ".")) NIL NIL', silentOn: 'LIST' });
  t.teardown(() => srv.close());
  const err = await t.throwsAsync(openImapMailbox(agencyOn(srv.port)));
  t.true(isBridgeError(err, 'IMAP_TIMEOUT'), String(err));
  t.regex(err!.message, /no answer to LIST within 2 s/);
});
