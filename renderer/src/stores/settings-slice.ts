import type { StateCreator } from 'zustand';
import { mergeSettingsPatch, type Settings, type SettingsPatch } from '../../../protocol/settings.js';
import type { AppStore } from './app-store.js';

export interface SettingsSlice {
  settings: Settings | null;
  savingSettings: boolean;
  loadSettings(): Promise<void>;
  saveSettings(patch: SettingsPatch): Promise<boolean>;
}

export const createSettingsSlice: StateCreator<AppStore, [], [], SettingsSlice> = (set, get) => ({
  settings: null,
  savingSettings: false,
  loadSettings: async () => {
    try {
      set({ settings: await get().api.getSettings() });
    } catch (error) {
      get().showError(error);
    }
  },
  saveSettings: async (patch) => {
    const before = get().settings;
    // Show the change at once; core's answer (or the old value, on failure) replaces it.
    if (before) set({ settings: mergeSettingsPatch(before, patch) });
    set({ savingSettings: true });
    try {
      set({ settings: await get().api.updateSettings(patch) });
      return true;
    } catch (error) {
      set({ settings: before });
      get().showError(error);
      return false;
    } finally {
      set({ savingSettings: false });
    }
  },
});
