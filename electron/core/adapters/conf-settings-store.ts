import Conf from 'conf';
import { join } from 'node:path';
import { defaultSettings, SettingsSchema, type Settings } from '../../../protocol/settings.js';
import type { SettingsLoadResult, SettingsStore } from '../ports.js';
import { checkSettingsFile, restrictSettingsFileMode, SETTINGS_FILE_MODE } from './settings-file.js';

/** Settings in `<dataDir>/settings.json` through conf (atomic writes), validated by our zod schema. */
export class ConfSettingsStore implements SettingsStore {
  private conf: Conf<Settings> | null = null;

  constructor(private readonly dataDir: string) {}

  get path(): string {
    return join(this.dataDir, 'settings.json');
  }

  load(): SettingsLoadResult {
    const check = checkSettingsFile(this.path);
    const settings = check.kind === 'ok' ? check.settings : defaultSettings();
    // configFileMode: conf writes 0666 less the umask (0644) by default; the file holds the payout address.
    this.conf = new Conf<Settings>({ cwd: this.dataDir, configName: 'settings', projectName: 'offhours', defaults: settings, clearInvalidConfig: false, configFileMode: SETTINGS_FILE_MODE });
    this.conf.store = settings;
    // A file written by an older Offhours keeps its mode across conf's writes on some paths: narrow it explicitly.
    restrictSettingsFileMode(this.path);
    return {
      settings,
      quarantined: check.kind === 'quarantined' ? { movedTo: check.movedTo, reason: check.reason } : null,
      migratedFrom: check.kind === 'ok' ? check.migratedFrom : null,
      ...(check.kind === 'ok' && check.fieldsReset ? { fieldsReset: check.fieldsReset } : {}),
    };
  }

  save(settings: Settings): void {
    if (!this.conf) throw new Error('ConfSettingsStore.save called before load');
    this.conf.store = SettingsSchema.parse(settings);
    restrictSettingsFileMode(this.path);
  }
}
