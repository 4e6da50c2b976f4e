/**
 * Every migration, in order, named NNN-name. A static list (no folder scanning), so a bundled or packed
 * coordinator migrates exactly like the source tree. Never edit a released migration: add the next one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialSchema } from './001-initial.js';
import { ledgerAndPayouts } from './002-ledger-payouts.js';
import { receiptPayouts } from './003-receipt-payouts.js';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-initial': initialSchema,
  '002-ledger-payouts': ledgerAndPayouts,
  '003-receipt-payouts': receiptPayouts,
};

export const coordinatorMigrations: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
