import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../protocol/settings.js';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, isExternalLinkAllowed, isTrustedSender } from './security.js';
import { loadSettingsForStore, settingsPath } from './settings-load.js';
import { TRAY_ICONS } from '../core/tray/tray-model.js';

const INDEX = pathToFileURL('/opt/Offhours/resources/app.asar/dist/renderer/index.html').href;

describe('IPC sender and navigation rules', () => {
  it('trusts our index.html on any hash route, nothing else', () => {
    expect(isTrustedSender(INDEX, INDEX)).toBe(true);
    expect(isTrustedSender(`${INDEX}#/settings`, INDEX)).toBe(true);
    expect(isTrustedSender(`${INDEX}?x=1#/gpus`, INDEX)).toBe(true);
    expect(isTrustedSender(pathToFileURL('/opt/Offhours/resources/app.asar/dist/renderer/other.html').href, INDEX)).toBe(false);
    expect(isTrustedSender('https://evil.example/index.html', INDEX)).toBe(false);
    expect(isTrustedSender('about:blank', INDEX)).toBe(false);
    expect(isTrustedSender('', INDEX)).toBe(false);
    expect(isTrustedSender(null, INDEX)).toBe(false);
    expect(isTrustedSender('not a url', INDEX)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', INDEX)).toBe(false);
  });

  it('hands only a public Solana explorer transaction page to the system browser', () => {
    expect(isExternalLinkAllowed('https://explorer.solana.com/tx/5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnb?cluster=devnet')).toBe(true);
    expect(isExternalLinkAllowed('http://explorer.solana.com/tx/abc')).toBe(false);
    expect(isExternalLinkAllowed('https://explorer.solana.com.evil.example/tx/abc')).toBe(false);
    expect(isExternalLinkAllowed('https://user@explorer.solana.com/tx/abc')).toBe(false);
    expect(isExternalLinkAllowed('https://explorer.solana.com/address/abc')).toBe(false);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('not a url')).toBe(false);
  });

  it('the CSP allows only our own files: no remote scripts, no eval, no frames, no plugins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('tray and app icons (resources/, drawn by make-icons.mjs)', () => {
  const resources = join(import.meta.dirname, '..', '..', 'resources');
  const size = (file: string) => {
    const png = readFileSync(join(resources, file));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    return [png.readUInt32BE(16), png.readUInt32BE(20)];
  };
  it('every tray icon of core\'s tray model has a 32 px PNG and a 64 px @2x PNG', () => {
    for (const state of TRAY_ICONS) {
      expect(size(`tray-${state}.png`)).toEqual([32, 32]);
      expect(size(`tray-${state}@2x.png`)).toEqual([64, 64]);
    }
  });
  it('the app icon is 512 px (electron-builder needs at least 256)', () => {
    expect(size('icon.png')).toEqual([512, 512]);
  });
});

describe('electron-store settings path (plain fs)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-estore-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('no file: defaults, nothing moved', () => {
    const result = loadSettingsForStore(tmp());
    expect(result).toEqual({ settings: defaultSettings(), quarantined: null, migratedFrom: null });
  });

  it('a garbage file is moved aside, kept byte for byte, and defaults load', () => {
    const dir = tmp();
    writeFileSync(settingsPath(dir), '{"general": {"closeToTray": "maybe"} garbage');
    const result = loadSettingsForStore(dir, new Date('2026-03-04T10:00:00.000Z'));
    expect(result.settings).toEqual(defaultSettings());
    expect(result.quarantined?.reason).toBe('the file is not valid JSON');
    expect(readdirSync(dir)).toEqual(['settings.json.invalid-2026-03-04T10-00-00-000Z']);
    expect(readFileSync(result.quarantined!.movedTo, 'utf8')).toContain('garbage');
  });

  it('a valid older file is migrated', () => {
    const dir = tmp();
    writeFileSync(settingsPath(dir), JSON.stringify({ idleSeconds: 600, general: { closeToTray: false } }));
    const result = loadSettingsForStore(dir);
    expect(result.migratedFrom).toBe(0);
    expect(result.settings.schedule.idleMinutes).toBe(10);
    expect(result.settings.general.closeToTray).toBe(false);
  });
});
