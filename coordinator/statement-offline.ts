/**
 * `offhours coordinator statement PROVIDER_ID --data-dir D` when no coordinator runs from D: opens its database
 * (embedded PGlite in D, or --database-url) and reads the whole statement, page by page, as the admin route
 * would serve it. Read-only (opening the database brings its schema to the newest migration, as a start would).
 */
import { MAX_STATEMENT_PAGE, type ProviderStatement } from '../protocol/network.js';
import { coordinatorDirOf } from './audit-offline.js';
import { openDatabase } from './db/database.js';
import { providerStatement } from './db/statement.js';

/** Null when no such provider is enrolled there. */
export async function statementOfDataDir(dataDir: string, providerId: string, options: { databaseUrl?: string | null } = {}): Promise<ProviderStatement | null> {
  const database = await openDatabase(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: coordinatorDirOf(dataDir) });
  try {
    const first = await providerStatement(database.db, providerId, { after: null, limit: MAX_STATEMENT_PAGE });
    if (!first) return null;
    const receipts = [...first.receipts];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const page = await providerStatement(database.db, providerId, { after: cursor, limit: MAX_STATEMENT_PAGE });
      receipts.push(...(page?.receipts ?? []));
      cursor = page?.nextCursor ?? null;
    }
    return { ...first, receipts, nextCursor: null };
  } finally {
    await database.close();
  }
}
