import { join } from 'node:path';
import { defaultSettings } from '../../protocol/settings.js';
import { checkSettingsFile } from '../core/adapters/settings-file.js';
import type { SettingsLoadResult } from '../core/ports.js';

/** The desktop app keeps its settings here; same file name and schema as the headless daemon. */
export function settingsPath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

/**
 * Validates (and migrates) the file before electron-store opens it: an invalid file is moved aside by
 * checkSettingsFile and defaults load. Plain fs, no Electron, so it is tested without an Electron binary.
 */
export function loadSettingsForStore(dataDir: string, now: Date = new Date()): SettingsLoadResult {
  const check = checkSettingsFile(settingsPath(dataDir), now);
  return {
    settings: check.kind === 'ok' ? check.settings : defaultSettings(),
    quarantined: check.kind === 'quarantined' ? { movedTo: check.movedTo, reason: check.reason } : null,
    migratedFrom: check.kind === 'ok' ? check.migratedFrom : null,
    ...(check.kind === 'ok' && check.fieldsReset ? { fieldsReset: check.fieldsReset } : {}),
  };
}
