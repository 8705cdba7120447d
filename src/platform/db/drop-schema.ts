/**
 * Removes a PostgreSQL schema and everything in it. Tests and benchmarks give
 * every run its own schema (`?schema=` in the database URL) and drop it after.
 */
export async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}
