import type { App } from '../app.js';

/** Prometheus text exposition of the counts an operator alerts on (read from the DB). */
export async function metricsText(app: App): Promise<string> {
  const lines: string[] = [];
  const gauge = async (name: string, help: string, table: string, column: string) => {
    const rows: Array<{ k: string; n: number | string }> = await app.db(table).select(`${column} as k`).count('* as n').groupBy(column);
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const r of rows) lines.push(`${name}{${column}="${String(r.k).replace(/["\\\n]/g, '_')}"} ${Number(r.n)}`);
  };
  await gauge('edoc_received_mails', 'Mails taken from the hosted mailboxes, by state', 'received_mails', 'state');
  await gauge('edoc_register_entries', 'Incoming register entries, by status', 'register_entries', 'status');
  await gauge('edoc_outbox_messages', 'Outbox messages, by state', 'outbox', 'state');
  await gauge('edoc_quarantine_entries', 'Quarantine entries, by state', 'quarantine', 'state');
  return lines.join('\n') + '\n';
}
