import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import type { SettingsLoadResult, SettingsStore } from '../ports.js';
import { SettingsService } from './settings-service.js';

class MemoryStore implements SettingsStore {
  saved: Settings = defaultSettings();
  load(): SettingsLoadResult {
    return { settings: this.saved, quarantined: null, migratedFrom: null };
  }
  save(settings: Settings): void {
    this.saved = settings;
  }
}

describe('SettingsService', () => {
  const now = Date.parse('2026-11-30T12:00:00.000Z');

  it('refuses a pause end more than a year ahead in plain words, and saves nothing', () => {
    const store = new MemoryStore();
    const service = new SettingsService(store, () => now);
    expect(() => service.update({ schedule: { pausedUntil: '2028-01-01T00:00:00.000Z' } })).toThrow(/at most a year ahead/);
    expect(() => service.update({ schedule: { pausedUntil: 'garbage' } })).toThrow(/ISO 8601/);
    expect(store.saved.schedule.pausedUntil).toBeNull();
    expect(service.update({ schedule: { pausedUntil: '2026-12-24T00:00:00.000Z' } }).schedule.pausedUntil).toBe('2026-12-24T00:00:00.000Z');
  });

  it('numbers each change above the last and above the start time, so a restarted core never counts backwards', () => {
    let clock = now;
    const service = new SettingsService(new MemoryStore(), () => clock);
    const seen: number[] = [];
    service.onChange(() => seen.push(service.revision));
    expect(service.revision).toBe(now);
    service.update({ schedule: { idleMinutes: 7 } });
    service.update({ schedule: { idleMinutes: 8 } });
    clock = now + 60_000;
    service.update({ schedule: { idleMinutes: 9 } });
    expect(seen).toEqual([now + 1, now + 2, now + 60_000]);
  });
});
