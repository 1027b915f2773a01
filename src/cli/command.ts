import type { Writable } from 'node:stream';
import type { Config } from '../config/schema.js';

/** What every command gets: streams, environment, and a lazy loader for the validated config. */
export type CliContext = {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Loads and validates the config named by --config or EDOC_BRIDGE_CONFIG; throws BridgeError CONFIG_*. */
  loadConfig(): Promise<Config>;
};

/**
 * One CLI command (imapflow's one-module-per-command habit). `run` returns the exit code:
 * 0 success, 1 handled failure (print one line), 2 bad usage or bad configuration.
 */
export type Command = {
  /** Words that select it, e.g. ['register', 'list']. */
  path: string[];
  summary: string;
  usage: string;
  run(ctx: CliContext, argv: string[]): Promise<number>;
};

/** Write a line to a stream. */
export function println(stream: Writable, line = ''): void {
  stream.write(line + '\n');
}

/** Print JSON (pretty, one document) to stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
