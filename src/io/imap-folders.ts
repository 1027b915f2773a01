/**
 * Folder names as the configuration writes them, turned into the server's paths
 * (docs/mail.md §IMAP servers): levels are separated by `/` in the configuration; the server's
 * own hierarchy separator and its personal namespace prefix (RFC 2342) are applied here, so
 * `edoc/Processed` is `edoc.Processed` on a Dovecot maildir, `INBOX.edoc.Processed` on a server
 * whose personal namespace is `INBOX.`, and stays `edoc/Processed` on a `/` server.
 */

/** The personal namespace: its prefix ('' for none) and hierarchy separator (null: a flat server). */
export type Namespace = { prefix: string; delimiter: string | null };

/** The folders every hosted mailbox uses, by role. */
export type FolderRole = 'inbox' | 'processed' | 'quarantine';

/** What the check found for one configured folder. */
export type FolderCheck = {
  role: FolderRole;
  /** As written in the configuration. */
  configured: string;
  /** The server's path for it. */
  path: string;
  state: 'exists' | 'created' | 'error';
  /** The server's words when the folder is missing and could not be created. */
  error?: string;
};

/** The server path of a configured folder name. */
export function serverPath(configured: string, ns: Namespace): string {
  const name = configured.trim();
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  const levels = name.split('/').filter(l => l !== '');
  const sep = ns.delimiter ?? '/';
  const joined = levels.join(sep);
  // INBOX is not case-sensitive (RFC 3501 §5.1); children of INBOX keep the server's spelling.
  const path = /^inbox$/i.test(levels[0] ?? '') ? `INBOX${joined.slice(5)}` : joined;
  if (!ns.prefix || path === 'INBOX' || path.startsWith(ns.prefix)) return path;
  // The prefix's own root (`INBOX.` on Courier or Cyrus) written without the separator.
  if (`${path}${sep}`.startsWith(ns.prefix) && ns.prefix.endsWith(sep)) return path;
  return `${ns.prefix}${path}`;
}

/** One line per folder that is not usable, for logs, errors and `config check`. */
export function describeFolderProblems(checks: FolderCheck[]): string[] {
  return checks
    .filter(c => c.state === 'error')
    .map(c => `folders.${c.role} "${c.configured}" (server path "${c.path}") cannot be created: ${c.error ?? 'no reason given'}`);
}
