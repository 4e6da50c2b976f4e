import { describe, expect, it } from 'vitest';
import type { ProviderApi } from '../../../protocol/api.js';
import { defaultSettings, type Settings, type SettingsPatch } from '../../../protocol/settings.js';
import type { ProviderState } from '../../../protocol/state.js';
import { createAppStore } from './app-store.js';
import { reduceSnapshot } from './provider-slice.js';
import { reducePushedSettings, reduceSettingsReply, type SettingsView } from './settings-slice.js';
import { reduceTick } from './ticker-slice.js';
import { errorToBanner, pageFromHash } from './ui-slice.js';
import type { EarningsTick } from '../../../protocol/earnings-stats.js';

// Only the revision matters to the reducer; the rest of the state grows with every capability.
const snapshot = (revision: number) => ({ revision }) as ProviderState;

function apiWith(updateSettings: (patch: SettingsPatch) => Promise<Settings>): ProviderApi {
  return { updateSettings, getSettings: async () => defaultSettings() } as unknown as ProviderApi;
}

describe('provider slice', () => {
  it('keeps the newest snapshot when an older one arrives late', () => {
    expect(reduceSnapshot(snapshot(5), snapshot(3)).revision).toBe(5);
    expect(reduceSnapshot(snapshot(5), snapshot(6)).revision).toBe(6);
    expect(reduceSnapshot(null, snapshot(0)).revision).toBe(0);
  });
});

describe('ticker slice', () => {
  const tick = (at: string, runEarned: string) => ({ at, runEarned }) as EarningsTick;
  it('never moves the live figures backwards when a tick arrives late', () => {
    expect(reduceTick(tick('2026-11-30T10:00:02Z', '50'), tick('2026-11-30T10:00:01Z', '25')).runEarned).toBe('50');
    expect(reduceTick(tick('2026-11-30T10:00:02Z', '50'), tick('2026-11-30T10:00:03Z', '75')).runEarned).toBe('75');
    expect(reduceTick(null, tick('2026-11-30T10:00:00Z', '0')).runEarned).toBe('0');
  });
});

describe('ui slice', () => {
  it('maps hashes to pages, unknown ones to the dashboard', () => {
    expect(pageFromHash('#/wallet')).toBe('wallet');
    expect(pageFromHash('#settings')).toBe('settings');
    expect(pageFromHash('#/nope')).toBe('dashboard');
    expect(pageFromHash('')).toBe('dashboard');
  });

  it('turns errors into banners with their next step', () => {
    expect(errorToBanner({ message: 'Disk full.', nextStep: 'Free 2 GB.' })).toEqual({ message: 'Disk full.', nextStep: 'Free 2 GB.' });
    expect(errorToBanner('boom')).toEqual({ message: 'boom', nextStep: null });
  });
});

describe('settings slice', () => {
  it('shows a change at once and keeps core’s answer', async () => {
    let release: (settings: Settings) => void = () => undefined;
    const store = createAppStore(apiWith(() => new Promise((resolve) => (release = resolve))));
    await store.getState().loadSettings();
    const saving = store.getState().saveSettings({ general: { launchAtLogin: true } });
    expect(store.getState().settings?.general.launchAtLogin).toBe(true);
    expect(store.getState().savingSettings).toBe(true);
    // Core answers with something other than what was shown (it declined the change): its answer wins.
    const answer = defaultSettings();
    release(answer);
    expect(await saving).toBe(true);
    expect(store.getState().settings).toEqual(answer);
    expect(store.getState().settings?.general.launchAtLogin).toBe(false);
    expect(store.getState().savingSettings).toBe(false);
  });

  it('puts the old value back and shows the error when saving fails', async () => {
    const store = createAppStore(apiWith(async () => Promise.reject(Object.assign(new Error('Could not save.'), { nextStep: 'Check the disk.' }))));
    await store.getState().loadSettings();
    expect(await store.getState().saveSettings({ general: { launchAtLogin: true } })).toBe(false);
    expect(store.getState().settings?.general.launchAtLogin).toBe(false);
    expect(store.getState().lastError).toEqual({ message: 'Could not save.', nextStep: 'Check the disk.' });
  });
});

describe('pushed settings', () => {
  const paused = (until: string | null): Settings => ({ ...defaultSettings(), schedule: { ...defaultSettings().schedule, pausedUntil: until } });
  const view = (settings: Settings | null, settingsRevision: number | null, settingsPushes: number): SettingsView => ({ settings, settingsRevision, settingsPushes });

  it('applies a newer push and ignores an older or repeated one', () => {
    const start = view(paused(null), null, 0);
    const first = reducePushedSettings(start, { revision: 10, settings: paused('forever') });
    expect(first).toEqual(view(paused('forever'), 10, 1));
    expect(reducePushedSettings(first, { revision: 9, settings: paused(null) })).toBe(first);
    expect(reducePushedSettings(first, { revision: 10, settings: paused(null) })).toBe(first);
    expect(reducePushedSettings(first, { revision: 11, settings: paused(null) }).settings?.schedule.pausedUntil).toBeNull();
  });

  it('drops a reply whose request was out while a push arrived, keeps one when none did', () => {
    const pushed = reducePushedSettings(view(paused(null), null, 0), { revision: 10, settings: paused('forever') });
    // Sent before the push (0 pushes then): the push may be newer than what the reply was read from.
    expect(reduceSettingsReply(pushed, paused(null), 0)).toBe(pushed);
    // Sent after it: the reply was read after the pushed change, so it is at least as new.
    expect(reduceSettingsReply(pushed, paused('2026-12-01T00:00:00.000Z'), 1).settings?.schedule.pausedUntil).toBe('2026-12-01T00:00:00.000Z');
  });

  it('the store shows a pause made elsewhere (tray, offhours pause) and a late reply does not undo it', async () => {
    let release: (settings: Settings) => void = () => undefined;
    const store = createAppStore(apiWith(() => new Promise((resolve) => (release = resolve))));
    await store.getState().loadSettings();
    expect(store.getState().settings?.schedule.pausedUntil).toBeNull();
    // The owner changes something on a page while the tray pauses earning.
    const saving = store.getState().saveSettings({ general: { launchAtLogin: true } });
    store.getState().applyPushedSettings({ revision: 5, settings: paused('forever') });
    expect(store.getState().settings?.schedule.pausedUntil).toBe('forever');
    // The page's own reply, read before the pause, arrives late: it must not flip the button back.
    release({ ...paused(null), general: { ...defaultSettings().general, launchAtLogin: true } });
    expect(await saving).toBe(true);
    expect(store.getState().settings?.schedule.pausedUntil).toBe('forever');
    // The push for the page's change follows and carries both.
    store.getState().applyPushedSettings({ revision: 6, settings: { ...paused('forever'), general: { ...defaultSettings().general, launchAtLogin: true } } });
    expect(store.getState().settings?.general.launchAtLogin).toBe(true);
    expect(store.getState().settings?.schedule.pausedUntil).toBe('forever');
  });
});
