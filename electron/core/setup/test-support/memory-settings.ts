import { applySettingsPatch, type Settings, type SettingsPatch } from '../../../../protocol/settings.js';

/** Settings held in memory that count their writes (a stand-in for SettingsService). */
export function memorySettings(initial: Settings) {
  let current = initial;
  let writes = 0;
  return {
    get: () => current,
    update: (patch: SettingsPatch) => {
      current = applySettingsPatch(current, patch);
      writes++;
      return current;
    },
    writes: () => writes,
  };
}
