import { COMMANDS, type CommandEntry } from './commands/index.js';
import type { CliContext } from './command.js';
import { println } from './command.js';
import { BridgeError, describeError, exitCodeOf } from '../errors.js';
import { loadConfig } from '../config/load.js';

/** Pull the global `--config FILE` (or `--config=FILE`) out of argv, wherever it stands. */
function takeConfigFlag(argv: string[]): { configPath?: string; rest: string[] } {
  const rest: string[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config') {
      configPath = argv[++i];
      if (configPath === undefined) throw new BridgeError('USAGE', '--config needs a file path');
    } else if (arg.startsWith('--config=')) {
      configPath = arg.slice('--config='.length);
    } else {
      rest.push(arg);
    }
  }
  return { configPath, rest };
}

/** The command whose path is the longest prefix of argv. */
function findCommand(argv: string[]): { command: CommandEntry; args: string[] } | undefined {
  let best: CommandEntry | undefined;
  for (const command of COMMANDS) {
    const matches = command.path.every((word, i) => argv[i] === word);
    if (matches && (!best || command.path.length > best.path.length)) best = command;
  }
  return best && { command: best, args: argv.slice(best.path.length) };
}

async function printHelp(ctx: CliContext): Promise<void> {
  println(ctx.stdout, 'Usage: edoc-bridge [--config FILE] <command> [options]');
  println(ctx.stdout, '');
  const commands = await Promise.all(COMMANDS.map(c => c.load()));
  const width = Math.max(...commands.map(c => c.path.join(' ').length));
  for (const c of commands) println(ctx.stdout, `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  println(ctx.stdout, '');
  println(ctx.stdout, 'Configuration: --config FILE or EDOC_BRIDGE_CONFIG. Secrets: environment variables or *_FILE paths.');
}

/** Run the CLI; returns the process exit code (0 ok, 1 handled failure, 2 usage/config). */
export async function main(argv: string[], io: Partial<Pick<CliContext, 'stdout' | 'stderr' | 'env' | 'cwd'>> = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    loadConfig: async () => {
      throw new BridgeError('INTERNAL', 'config loader not initialised');
    },
  };
  try {
    const { configPath, rest } = takeConfigFlag(argv);
    const path = configPath ?? ctx.env.EDOC_BRIDGE_CONFIG;
    let cached: Awaited<ReturnType<typeof loadConfig>> | undefined;
    ctx.loadConfig = async () => (cached ??= await loadConfig(path, { env: ctx.env, cwd: ctx.cwd }));

    if (rest.length === 0 || rest[0] === 'help' || rest[0] === '--help' || rest[0] === '-h') {
      await printHelp(ctx);
      return rest.length === 0 ? 2 : 0;
    }
    const found = findCommand(rest);
    if (!found) {
      println(ctx.stderr, `error: unknown command '${rest.join(' ')}' (see edoc-bridge help)`);
      return 2;
    }
    const command = await found.command.load();
    if (found.args.includes('--help')) {
      println(ctx.stdout, `Usage: edoc-bridge ${command.usage}`);
      return 0;
    }
    return await command.run(ctx, found.args);
  } catch (err) {
    println(ctx.stderr, `error: ${describeError(err)}`);
    return exitCodeOf(err);
  }
}
