import type { StateCreator } from 'zustand';
import type { Settings, SettingsPatch } from '../../../protocol/settings.js';
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
    set({ savingSettings: true });
    try {
      set({ settings: await get().api.updateSettings(patch) });
      return true;
    } catch (error) {
      get().showError(error);
      return false;
    } finally {
      set({ savingSettings: false });
    }
  },
});
