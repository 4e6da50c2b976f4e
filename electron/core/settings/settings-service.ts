import { applySettingsPatch, type Settings, type SettingsPatch } from '../../../protocol/settings.js';
import type { Notice } from '../../../protocol/state.js';
import type { SettingsLoadResult, SettingsStore } from '../ports.js';

type Listener = (settings: Settings) => void;

/** Holds the current settings in memory, validates every change and writes it through the store. */
export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<Listener>();
  readonly loadResult: SettingsLoadResult;

  constructor(private readonly store: SettingsStore) {
    this.loadResult = store.load();
    this.current = this.loadResult.settings;
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const next = applySettingsPatch(this.current, patch);
    this.store.save(next);
    this.current = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The notice the UI shows when the settings file had to be moved aside. */
  startupNotice(): Notice | null {
    const quarantined = this.loadResult.quarantined;
    if (!quarantined) return null;
    return {
      id: 'settings-reset',
      level: 'warning',
      title: 'Your settings were reset',
      message: `Offhours could not read its settings file (${quarantined.reason}), so it started with the default settings. Your old file was kept at ${quarantined.movedTo}.`,
      nextStep: 'Check your schedule and wallet settings; you can copy values from the old file.',
    };
  }
}
