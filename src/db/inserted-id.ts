import type { Knex } from 'knex';

type ReturnedId = { id: number | string } | number | string;

/**
 * The id in one row of `.returning('id')`: `{ id }` on PostgreSQL (and newer SQLite drivers), a
 * bare number on older SQLite. The one place that knows both shapes.
 */
function idOf(row: ReturnedId): number {
  return typeof row === 'object' ? Number(row.id) : Number(row);
}

/** The id of the row an INSERT created. */
export async function insertedId(insert: Knex.QueryBuilder): Promise<number> {
  const [row] = (await insert.returning('id')) as ReturnedId[];
  if (row === undefined) throw new Error('INSERT returned no row');
  return idOf(row);
}

/** The id of the row an INSERT … ON CONFLICT DO NOTHING created, or null when it hit the conflict. */
export async function insertedIdOrNull(insert: Knex.QueryBuilder): Promise<number | null> {
  const [row] = (await insert.returning('id')) as ReturnedId[];
  return row === undefined ? null : idOf(row);
}
