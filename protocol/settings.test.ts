import { describe, expect, it } from 'vitest';
import { applySettingsPatch, defaultSettings, migrateSettings, SETTINGS_VERSION, WEEK_CELLS } from './settings.js';

describe('settings', () => {
  it('defaults are valid and current', () => {
    const outcome = migrateSettings(defaultSettings());
    expect(outcome).toEqual({ kind: 'ok', settings: defaultSettings(), migratedFrom: null });
    expect(defaultSettings().schedule.weeklyGrid).toHaveLength(WEEK_CELLS);
  });

  it('migrates the unversioned pre-release file, converting idle seconds to minutes', () => {
    const outcome = migrateSettings({ idleSeconds: 600, general: { closeToTray: false } });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.migratedFrom).toBe(0);
    expect(outcome.settings.schemaVersion).toBe(SETTINGS_VERSION);
    expect(outcome.settings.schedule.idleMinutes).toBe(10);
    expect(outcome.settings.general.closeToTray).toBe(false);
    expect(outcome.settings.general.notifications).toBe(true);
  });

  it('fills sections missing from an older current-version file with defaults', () => {
    const outcome = migrateSettings({ schemaVersion: 1, wallet: { payoutAddress: 'abc' } });
    expect(outcome.kind === 'ok' && outcome.settings.wallet.payoutAddress).toBe('abc');
    expect(outcome.kind === 'ok' && outcome.settings.schedule.maxGpuTempC).toBe(83);
  });

  it('loads a file from before first-run setup existed: setup not done, everything else kept', () => {
    const older = {
      schemaVersion: 1,
      general: { launchAtLogin: true, closeToTray: true, stopJobsOnQuit: true, notifications: false },
      schedule: { ...defaultSettings().schedule, idleMinutes: 20 },
      network: { coordinator: 'embedded', minPricePerGpuHour: '0' },
      wallet: { payoutAddress: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T' },
      electricity: { pricePerKwh: '0.25', timeOfUse: null, stopWhenUnprofitable: false },
    };
    const outcome = migrateSettings(older);
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.migratedFrom).toBeNull();
    expect(outcome.settings.setup).toEqual({ completedAt: null, skippedAt: null, schedulePreset: null });
    expect(outcome.settings).toEqual({ ...older, setup: outcome.settings.setup });
  });

  it.each([
    ['an array', []],
    ['a string', 'hello'],
    ['null', null],
    ['a wrong type', { schemaVersion: 1, general: { closeToTray: 'maybe' } }],
    ['an unknown key', { schemaVersion: 1, surprise: true }],
    ['a future version', { schemaVersion: 99 }],
    ['a broken grid', { schemaVersion: 1, schedule: { weeklyGrid: '101' } }],
    ['a temperature out of range', { schemaVersion: 1, schedule: { maxGpuTempC: 140 } }],
    ['a plain-http coordinator on the network', { schemaVersion: 1, network: { coordinator: 'http://coordinator.example.com' } }],
    ['a non-web coordinator scheme', { schemaVersion: 1, network: { coordinator: 'file:///etc/passwd' } }],
    ['an unknown schedule preset', { schemaVersion: 1, setup: { schedulePreset: 'weekends' } }],
    ['a setup time that is not a time', { schemaVersion: 1, setup: { completedAt: 'last tuesday' } }],
  ])('rejects %s with a reason', (_label, raw) => {
    const outcome = migrateSettings(raw);
    expect(outcome.kind).toBe('invalid');
    expect(outcome.kind === 'invalid' && outcome.reason.length).toBeGreaterThan(5);
  });

  it('accepts an https coordinator and plain http on this machine only', () => {
    expect(applySettingsPatch(defaultSettings(), { network: { coordinator: 'https://coordinator.example.com' } }).network.coordinator).toBe('https://coordinator.example.com');
    expect(applySettingsPatch(defaultSettings(), { network: { coordinator: 'http://127.0.0.1:8080' } }).network.coordinator).toBe('http://127.0.0.1:8080');
  });

  it('applies a patch section by section and refuses invalid values', () => {
    const next = applySettingsPatch(defaultSettings(), { schedule: { idleMinutes: 15 } });
    expect(next.schedule.idleMinutes).toBe(15);
    expect(next.schedule.maxGpuTempC).toBe(83);
    expect(() => applySettingsPatch(defaultSettings(), { schedule: { idleMinutes: 0 } })).toThrow();
  });
});
