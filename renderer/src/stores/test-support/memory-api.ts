import type { ProviderApi } from '../../../../protocol/api.js';
import { applySettingsPatch, defaultSettings, type Settings, type SettingsPatch } from '../../../../protocol/settings.js';
import { setupCompletionPatch, type SchedulePreset } from '../../../../protocol/setup.js';

/** The settings part of ProviderApi in memory; completeSetup refuses while no wallet is set, as core does. */
export function memoryApi(initial: Settings = defaultSettings()) {
  let settings = initial;
  const api = {
    getSettings: async () => settings,
    updateSettings: async (patch: SettingsPatch) => (settings = applySettingsPatch(settings, patch)),
    completeSetup: async ({ schedulePreset }: { schedulePreset: SchedulePreset }) => {
      if (!settings.wallet.payoutAddress) throw Object.assign(new Error('Setup needs a payout wallet before it can finish.'), { nextStep: 'Paste your Solana address.' });
      return (settings = applySettingsPatch(settings, setupCompletionPatch(schedulePreset, '2026-05-01T20:00:00.000Z')));
    },
  };
  return { api: api as unknown as ProviderApi, settings: () => settings };
}

