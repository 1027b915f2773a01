import type { Command } from '../command.js';

/**
 * The command table (imapflow's imap-commands.js habit): one module per command, listed here
 * in the order `edoc-bridge help` prints them. Add one import and one entry per command.
 */
export const COMMANDS: Command[] = [
];
