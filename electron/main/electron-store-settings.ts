import Store from 'electron-store';
import { SettingsSchema, type Settings } from '../../protocol/settings.js';
import type { SettingsLoadResult, SettingsStore } from '../core/ports.js';
import { restrictSettingsFileMode, SETTINGS_FILE_MODE } from '../core/adapters/settings-file.js';
import { loadSettingsForStore, settingsPath } from './settings-load.js';

/** Settings in `<userData>/settings.json` through electron-store (atomic writes), validated by our zod schema. */
export class ElectronStoreSettings implements SettingsStore {
  private store: Store<Settings> | null = null;

  constructor(private readonly dataDir: string) {}

  load(): SettingsLoadResult {
    const result = loadSettingsForStore(this.dataDir);
    // clearInvalidConfig stays off: checkSettingsFile already moved a bad file aside instead of deleting it.
    this.store = new Store<Settings>({ cwd: this.dataDir, name: 'settings', defaults: result.settings, clearInvalidConfig: false, watch: false, configFileMode: SETTINGS_FILE_MODE });
    this.store.store = result.settings;
    // Older files were 0644; the file holds the payout address and the coordinator this PC trusts.
    restrictSettingsFileMode(settingsPath(this.dataDir));
    return result;
  }

  save(settings: Settings): void {
    if (!this.store) throw new Error('ElectronStoreSettings.save called before load');
    this.store.store = SettingsSchema.parse(settings);
    restrictSettingsFileMode(settingsPath(this.dataDir));
  }
}
