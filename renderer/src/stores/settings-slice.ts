import type { StateCreator } from 'zustand';
import { mergeSettingsPatch, type Settings, type SettingsPatch, type SettingsPush } from '../../../protocol/settings.js';
import type { AppStore } from './app-store.js';

/**
 * What the page shows and how current it is. Pushes (the `settings` event) and method replies (getSettings,
 * updateSettings) travel on different channels, so either may arrive late:
 * - a push older than one already applied (by revision) is ignored;
 * - a reply is applied only if no push arrived while its request was out. A push that did arrive is at least as new
 *   as the state the reply was read from or, if it came before our own change, the push for our change follows it.
 *   Every change is pushed, so the view always settles on core's latest settings.
 */
export interface SettingsView {
  settings: Settings | null;
  /** Revision of the newest push applied; null before any. */
  settingsRevision: number | null;
  /** Pushes applied so far: a request notes it when sent, its reply checks it on arrival. */
  settingsPushes: number;
}

export function reducePushedSettings(view: SettingsView, push: SettingsPush): SettingsView {
  if (view.settingsRevision !== null && push.revision <= view.settingsRevision) return view;
  return { settings: push.settings, settingsRevision: push.revision, settingsPushes: view.settingsPushes + 1 };
}

/** A method's reply (or, for a failed save, the value from before it), sent when `pushesAtRequest` pushes had been applied. */
export function reduceSettingsReply(view: SettingsView, reply: Settings | null, pushesAtRequest: number): SettingsView {
  if (view.settingsPushes !== pushesAtRequest) return view;
  return { ...view, settings: reply };
}

export interface SettingsSlice extends SettingsView {
  savingSettings: boolean;
  loadSettings(): Promise<void>;
  saveSettings(patch: SettingsPatch): Promise<boolean>;
  /** Applies the `settings` event. */
  applyPushedSettings(push: SettingsPush): void;
}

const viewOf = (store: SettingsView): SettingsView => ({
  settings: store.settings,
  settingsRevision: store.settingsRevision,
  settingsPushes: store.settingsPushes,
});

export const createSettingsSlice: StateCreator<AppStore, [], [], SettingsSlice> = (set, get) => ({
  settings: null,
  settingsRevision: null,
  settingsPushes: 0,
  savingSettings: false,
  loadSettings: async () => {
    const pushes = get().settingsPushes;
    try {
      const settings = await get().api.getSettings();
      set((store) => reduceSettingsReply(viewOf(store), settings, pushes));
    } catch (error) {
      get().showError(error);
    }
  },
  saveSettings: async (patch) => {
    const before = get().settings;
    const pushes = get().settingsPushes;
    // Show the change at once; core's answer (or the old value, on failure) replaces it unless a push came meanwhile.
    if (before) set({ settings: mergeSettingsPatch(before, patch) });
    set({ savingSettings: true });
    try {
      const saved = await get().api.updateSettings(patch);
      set((store) => reduceSettingsReply(viewOf(store), saved, pushes));
      return true;
    } catch (error) {
      set((store) => reduceSettingsReply(viewOf(store), before, pushes));
      get().showError(error);
      return false;
    } finally {
      set({ savingSettings: false });
    }
  },
  applyPushedSettings: (push) => set((store) => reducePushedSettings(viewOf(store), push)),
});
