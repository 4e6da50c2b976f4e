import Conf from 'conf';
import { join } from 'node:path';
import { defaultSettings, SettingsSchema, type Settings } from '../../../protocol/settings.js';
import type { SettingsLoadResult, SettingsStore } from '../ports.js';
import { checkSettingsFile } from './settings-file.js';

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
    this.conf = new Conf<Settings>({ cwd: this.dataDir, configName: 'settings', projectName: 'offhours', defaults: settings, clearInvalidConfig: false });
    this.conf.store = settings;
    return {
      settings,
      quarantined: check.kind === 'quarantined' ? { movedTo: check.movedTo, reason: check.reason } : null,
      migratedFrom: check.kind === 'ok' ? check.migratedFrom : null,
    };
  }

  save(settings: Settings): void {
    if (!this.conf) throw new Error('ConfSettingsStore.save called before load');
    this.conf.store = SettingsSchema.parse(settings);
  }
}
