import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../protocol/settings.js';
import { ConfSettingsStore } from './conf-settings-store.js';
import { checkSettingsFile } from './settings-file.js';
import { SettingsService } from '../settings/settings-service.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'offhours-settings-'));

describe('settings file', () => {
  it('reports a missing file', () => {
    expect(checkSettingsFile(join(freshDir(), 'settings.json'))).toEqual({ kind: 'missing' });
  });

  it('moves garbage aside, never deletes it', () => {
    const dir = freshDir();
    const path = join(dir, 'settings.json');
    writeFileSync(path, 'not json {');
    const check = checkSettingsFile(path, new Date('2026-01-02T03:04:05.678Z'));
    expect(check).toMatchObject({ kind: 'quarantined', reason: 'the file is not valid JSON' });
    expect(readdirSync(dir)).toEqual(['settings.json.invalid-2026-01-02T03-04-05-678Z']);
    expect(readFileSync(join(dir, 'settings.json.invalid-2026-01-02T03-04-05-678Z'), 'utf8')).toBe('not json {');
  });

  it('conf store: loads defaults after quarantine, saves and reloads', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 1, general: { closeToTray: 42 } }));
    const store = new ConfSettingsStore(dir);
    const first = store.load();
    expect(first.quarantined?.reason).toContain('general.closeToTray');
    expect(first.settings).toEqual(defaultSettings());
    store.save({ ...first.settings, schedule: { ...first.settings.schedule, idleMinutes: 12 } });
    const second = new ConfSettingsStore(dir).load();
    expect(second.quarantined).toBeNull();
    expect(second.settings.schedule.idleMinutes).toBe(12);
  });
});

describe('settings file: owner-only and older values', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it.skipIf(process.platform === 'win32')('conf store writes settings.json 0600 and narrows an existing 0644 file on load', () => {
    const dir = freshDir();
    const fresh = new ConfSettingsStore(dir);
    fresh.load();
    fresh.save(defaultSettings());
    expect(mode(fresh.path)).toBe(0o600);

    const older = freshDir();
    const path = join(older, 'settings.json');
    writeFileSync(path, JSON.stringify(defaultSettings()), { mode: 0o644 });
    chmodSync(path, 0o644);
    new ConfSettingsStore(older).load();
    expect(mode(path)).toBe(0o600);
  });

  it('an older file with a now-invalid field loads with that field at its default, a copy kept aside', () => {
    const dir = freshDir();
    const path = join(dir, 'settings.json');
    const original = JSON.stringify({ schemaVersion: 1, schedule: { idleMinutes: 9, pausedUntil: 'garbage' } });
    writeFileSync(path, original);
    const result = new ConfSettingsStore(dir).load();
    expect(result.quarantined).toBeNull();
    expect(result.settings.schedule).toMatchObject({ idleMinutes: 9, pausedUntil: null });
    expect(result.fieldsReset?.fields).toEqual([{ field: 'schedule.pausedUntil', reason: expect.stringContaining('ISO 8601') }]);
    expect(readFileSync(result.fieldsReset!.copyAt, 'utf8')).toBe(original);
    const notice = new SettingsService(new ConfSettingsStore(freshDirWith(original))).startupNotice();
    expect(notice).toMatchObject({ id: 'settings-fields-reset', level: 'warning' });
    expect(notice?.message).toContain('schedule.pausedUntil');
  });
});

function freshDirWith(content: string): string {
  const dir = freshDir();
  writeFileSync(join(dir, 'settings.json'), content);
  return dir;
}
