import { existsSync, readFileSync, renameSync } from 'node:fs';
import { migrateSettings, type Settings } from '../../../protocol/settings.js';

export type SettingsFileCheck =
  | { kind: 'missing' }
  | { kind: 'ok'; settings: Settings; migratedFrom: number | null }
  | { kind: 'quarantined'; movedTo: string; reason: string };

/**
 * Reads and validates the settings file before any store library touches it. An unreadable or invalid
 * file is renamed beside itself (never deleted) so the owner can recover values by hand.
 * Shared by the conf adapter (headless) and the electron-store adapter (desktop).
 */
export function checkSettingsFile(path: string, now: Date = new Date()): SettingsFileCheck {
  if (!existsSync(path)) return { kind: 'missing' };
  let reason: string;
  try {
    const outcome = migrateSettings(JSON.parse(readFileSync(path, 'utf8')));
    if (outcome.kind === 'ok') return outcome;
    reason = outcome.reason;
  } catch (error) {
    reason = error instanceof SyntaxError ? 'the file is not valid JSON' : `the file could not be read: ${(error as Error).message}`;
  }
  const movedTo = `${path}.invalid-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, movedTo);
  return { kind: 'quarantined', movedTo, reason };
}
