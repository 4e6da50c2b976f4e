import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../protocol/settings.js';
import { ConfSettingsStore } from './conf-settings-store.js';
import { checkSettingsFile } from './settings-file.js';

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
