import { chmodSync, copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { migrateSettings, type Settings, type SettingsFieldReset } from '../../../protocol/settings.js';

/**
 * settings.json holds the payout address and the coordinator the PC trusts: readable by its owner only. Files
 * written before this (0644) are narrowed on load and save. POSIX only; Windows ignores the mode bits.
 */
export const SETTINGS_FILE_MODE = 0o600;

export type SettingsFileCheck =
  | { kind: 'missing' }
  | { kind: 'ok'; settings: Settings; migratedFrom: number | null; fieldsReset?: { fields: SettingsFieldReset[]; copyAt: string } }
  | { kind: 'quarantined'; movedTo: string; reason: string };

/** Narrows a settings file (or its set-aside copy) to owner-only; a file that vanished in between is no error. */
export function restrictSettingsFileMode(path: string): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(path, SETTINGS_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Reads and validates the settings file before any store library touches it. An unreadable or invalid
 * file is renamed beside itself (never deleted) so the owner can recover values by hand.
 * Shared by the conf adapter (headless) and the electron-store adapter (desktop).
 */
export function checkSettingsFile(path: string, now: Date = new Date()): SettingsFileCheck {
  if (!existsSync(path)) return { kind: 'missing' };
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let reason: string;
  try {
    const outcome = migrateSettings(JSON.parse(readFileSync(path, 'utf8')), now.getTime());
    if (outcome.kind === 'ok') {
      restrictSettingsFileMode(path);
      if (!outcome.fieldsReset) return { kind: 'ok', settings: outcome.settings, migratedFrom: outcome.migratedFrom };
      // Some fields fell back to their defaults: the file as it was is copied aside, so nothing the owner typed is lost.
      const copyAt = `${path}.before-reset-${stamp}`;
      copyFileSync(path, copyAt);
      restrictSettingsFileMode(copyAt);
      return { kind: 'ok', settings: outcome.settings, migratedFrom: outcome.migratedFrom, fieldsReset: { fields: outcome.fieldsReset, copyAt } };
    }
    reason = outcome.reason;
  } catch (error) {
    reason = error instanceof SyntaxError ? 'the file is not valid JSON' : `the file could not be read: ${(error as Error).message}`;
  }
  const movedTo = `${path}.invalid-${stamp}`;
  renameSync(path, movedTo);
  restrictSettingsFileMode(movedTo);
  return { kind: 'quarantined', movedTo, reason };
}
