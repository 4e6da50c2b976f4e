import Store from 'electron-store';
import { SettingsSchema, type Settings } from '../../protocol/settings.js';
import type { SettingsLoadResult, SettingsStore } from '../core/ports.js';
import { loadSettingsForStore } from './settings-load.js';

/** Settings in `<userData>/settings.json` through electron-store (atomic writes), validated by our zod schema. */
export class ElectronStoreSettings implements SettingsStore {
  private store: Store<Settings> | null = null;

  constructor(private readonly dataDir: string) {}

  load(): SettingsLoadResult {
    const result = loadSettingsForStore(this.dataDir);
    // clearInvalidConfig stays off: checkSettingsFile already moved a bad file aside instead of deleting it.
    this.store = new Store<Settings>({ cwd: this.dataDir, name: 'settings', defaults: result.settings, clearInvalidConfig: false, watch: false });
    this.store.store = result.settings;
    return result;
  }

  save(settings: Settings): void {
    if (!this.store) throw new Error('ElectronStoreSettings.save called before load');
    this.store.store = SettingsSchema.parse(settings);
  }
}
