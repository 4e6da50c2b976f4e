import { describe, expect, it } from 'vitest';
import { applySettingsPatch, defaultSettings, migrateSettings, pausedUntilProblem, SETTINGS_VERSION, WEEK_CELLS } from './settings.js';

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

describe('bounded settings fields', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  const patch = (schedule: Record<string, unknown>) => applySettingsPatch(defaultSettings(), { schedule } as never);

  it.each([
    ['garbage', 'garbage'],
    ['a 6-digit year', '+275760-09-13T00:00:00.000Z'],
    ['a date without a time', '2026-12-01'],
  ])('refuses a pause end that is %s', (_label, value) => {
    expect(() => patch({ pausedUntil: value })).toThrow();
    expect(pausedUntilProblem(value, now)).toMatch(/ISO 8601/);
  });

  it('accepts an ISO pause end within a year, forever and null; refuses one further ahead', () => {
    expect(patch({ pausedUntil: '2026-12-01T00:00:00.000Z' }).schedule.pausedUntil).toBe('2026-12-01T00:00:00.000Z');
    expect(patch({ pausedUntil: 'forever' }).schedule.pausedUntil).toBe('forever');
    expect(pausedUntilProblem('2027-11-30T12:00:00.000Z', now)).toBeNull();
    expect(pausedUntilProblem(null, now)).toBeNull();
    expect(pausedUntilProblem('9999-01-01T00:00:00.000Z', now)).toMatch(/a year ahead/);
  });

  it('bounds the payout address and the coordinator URL', () => {
    const huge = 'x'.repeat(900 * 1024);
    expect(() => applySettingsPatch(defaultSettings(), { wallet: { payoutAddress: huge } })).toThrow(/at most 128/);
    expect(() => applySettingsPatch(defaultSettings(), { network: { coordinator: `https://a.example/${huge}` } })).toThrow(/at most 2048/);
  });

  it('refuses control characters in game names and the panic hotkey', () => {
    expect(() => patch({ extraGameExecutables: ['game.exe', 'evil\nname.exe'] })).toThrow(/control characters/);
    expect(() => patch({ panicHotkey: 'Ctrl+\u0000' })).toThrow(/control characters/);
    expect(patch({ extraGameExecutables: ['My Game.exe'] }).schedule.extraGameExecutables).toEqual(['My Game.exe']);
  });

  it('loads an older file with now-invalid values: those fields fall back, the rest is kept, and each is named', () => {
    const outcome = migrateSettings(
      {
        schemaVersion: 1,
        schedule: { idleMinutes: 12, pausedUntil: 'garbage', panicHotkey: 'F12\u001b', extraGameExecutables: ['ok.exe', 'bad\u0007.exe'] },
        network: { coordinator: `https://a.example/${'x'.repeat(5000)}` },
        wallet: { payoutAddress: 'y'.repeat(1000) },
      },
      now,
    );
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.settings.schedule).toMatchObject({ idleMinutes: 12, pausedUntil: null, panicHotkey: defaultSettings().schedule.panicHotkey, extraGameExecutables: ['ok.exe'] });
    expect(outcome.settings.network.coordinator).toBe('embedded');
    expect(outcome.settings.wallet.payoutAddress).toBeNull();
    expect(outcome.fieldsReset?.map((entry) => entry.field)).toEqual([
      'schedule.pausedUntil',
      'schedule.panicHotkey',
      'schedule.extraGameExecutables',
      'network.coordinator',
      'wallet.payoutAddress',
    ]);
  });

  it('falls back from a stored pause more than a year ahead, keeps one within', () => {
    const far = migrateSettings({ schemaVersion: 1, schedule: { pausedUntil: '9999-01-01T00:00:00.000Z' } }, now);
    expect(far.kind === 'ok' && far.settings.schedule.pausedUntil).toBeNull();
    const near = migrateSettings({ schemaVersion: 1, schedule: { pausedUntil: '2026-12-01T00:00:00.000Z' } }, now);
    expect(near.kind === 'ok' && near.settings.schedule.pausedUntil).toBe('2026-12-01T00:00:00.000Z');
    expect(near.kind === 'ok' && near.fieldsReset).toBeUndefined();
  });
});
