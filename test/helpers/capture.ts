/** Run the CLI in-process with captured output. */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString('utf8') });
}

/** `edoc-bridge ...argv` in this process: exit code and what it printed. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, env: { EDOC_BRIDGE_LOG_LEVEL: 'silent', ...env } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
