/**
 * A TCP relay in front of the test Dovecot's plain IMAP port, for integration tests that must see
 * or shape what crosses the wire: it counts the connections through it (ever accepted, open now,
 * most at once), and may rewrite the server's lines on the way back (e.g. take IDLE out of
 * CAPABILITY, as a server without IDLE answers).
 */
import net from 'node:net';
import { mailServer } from './mailserver.js';

export type ImapRelay = { port: number; accepted(): number; open(): number; peak(): number; close(): Promise<void> };

/**
 * `rewrite` gets whole lines (latin1) from the server; without it the bytes pass unchanged.
 * `target`: another server's plain IMAP port (default the test Dovecot's).
 */
export async function imapRelay(opts: { rewrite?: (lines: string) => string; target?: { host: string; port: number } } = {}): Promise<ImapRelay> {
  const srv = opts.target ?? { host: mailServer().imapHost, port: mailServer().imapPort };
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let open = 0;
  let peak = 0;
  const server = net.createServer(client => {
    accepted++;
    peak = Math.max(peak, ++open);
    const upstream = net.connect(srv.port, srv.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    const { rewrite } = opts;
    if (rewrite) {
      let pending = '';
      upstream.on('data', (d: Buffer) => {
        pending += d.toString('latin1');
        const cut = pending.lastIndexOf('\n') + 1;
        const whole = pending.slice(0, cut);
        pending = pending.slice(cut);
        client.write(Buffer.from(rewrite(whole), 'latin1'));
      });
    } else upstream.pipe(client);
    let ended = false;
    const end = () => {
      if (!ended) open--;
      ended = true;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    open: () => open,
    peak: () => peak,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

/** Take IDLE out of every CAPABILITY line (a server without IDLE). */
export const withoutIdle = (lines: string): string => lines.replace(/^(.*CAPABILITY.*)$/gm, line => line.replace(/ IDLE\b/g, ''));
