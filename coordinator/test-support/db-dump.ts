/**
 * Every row of every table in the coordinator's schema, as sorted JSON text: two dumps are equal exactly when
 * nothing was written in between. Table names come from the catalog, never from input.
 */
import { sql, type Kysely } from 'kysely';

export async function dumpDatabase<DB>(db: Kysely<DB>): Promise<Record<string, string[]>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const dump: Record<string, string[]> = {};
  for (const { table_name: table } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} as t`.execute(db);
    dump[table] = rows.rows.map((r) => r.row).sort();
  }
  return dump;
}
