import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { GpuInventory } from '../../protocol/gpu.js';
import { defaultSettings, type Settings } from '../../protocol/settings.js';
import { initialJobSlice } from '../../protocol/job-spec.js';
import type { ProviderState } from '../../protocol/state.js';
import { CONTENT_SECURITY_POLICY, isAllowedNavigation, isExternalLinkAllowed, isTrustedSender } from './security.js';
import { loadSettingsForStore, settingsPath } from './settings-load.js';
import { isPaused, TRAY_STATES, trayModel } from './tray-model.js';

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

const NOW = Date.parse('2026-03-04T10:00:00.000Z');
const okGpus: GpuInventory = {
  status: 'ok',
  reason: null,
  nextStep: null,
  detectedAt: '2026-03-04T09:59:00.000Z',
  gpus: [
    {
      id: 'GPU-1', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4070', busId: '0000:01:00.0', vramTotalMiB: 12282, vramFreeMiB: 11000, driverVersion: '566.36', cudaVersion: '12.7',
      computeCapability: '8.9', temperatureC: 41, powerDrawW: 18, powerLimitW: 200, utilizationPct: 3, pcieGen: 4, pcieWidth: 16, sources: ['nvidia-smi'], supported: true, unsupportedReason: null,
    },
  ],
};
function state(patch: Partial<ProviderState> = {}): ProviderState {
  return { revision: 1, mode: 'desktop', appVersion: '0.1.0', dataDir: '/d', gpus: okGpus, detectingGpus: false, notices: [], job: initialJobSlice(), availability: null, ...patch } as ProviderState;
}
function settings(pausedUntil: string | null): Settings {
  const s = defaultSettings();
  return { ...s, schedule: { ...s.schedule, pausedUntil } };
}

describe('tray model', () => {
  it('ready, earning, paused forever, paused until a time', () => {
    expect(trayModel({ state: state(), settings: settings(null), now: NOW })).toEqual({
      icon: 'idle', statusLine: 'Ready: 1 graphics card, waiting for idle time', paused: false, pauseLabel: 'Pause earning',
    });
    const working = { state: 'working', reason: 'owner-away', detail: null, since: '2026-03-04T09:00:00.000Z', until: null, jobId: 'job-1', now: 'Working: a job is using your GPU', next: 'Pauses the moment you come back' } as const;
    expect(trayModel({ state: state({ availability: working }), settings: settings(null), now: NOW })).toEqual({ icon: 'earning', statusLine: 'Working: a job is using your GPU', paused: false, pauseLabel: 'Pause earning' });
    const waiting = { ...working, state: 'waiting', reason: 'owner-active', jobId: null, now: 'Waiting: you are using the PC' } as const;
    expect(trayModel({ state: state({ availability: waiting }), settings: settings(null), now: NOW })).toMatchObject({ icon: 'idle', statusLine: 'Waiting: you are using the PC' });
    expect(trayModel({ state: state({ availability: working }), settings: settings('forever'), now: NOW })).toMatchObject({ icon: 'paused', paused: true, pauseLabel: 'Resume earning' });
    const until = new Date(NOW + 90 * 60_000);
    const model = trayModel({ state: state(), settings: settings(until.toISOString()), now: NOW });
    expect(model.icon).toBe('paused');
    expect(model.statusLine).toBe(`Paused until ${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}`);
  });

  it('a pause that has ended no longer counts', () => {
    expect(isPaused(new Date(NOW - 1).toISOString(), NOW)).toBe(false);
    expect(isPaused('garbage', NOW)).toBe(false);
    expect(trayModel({ state: state(), settings: settings(new Date(NOW - 1).toISOString()), now: NOW }).icon).toBe('idle');
  });

  it('attention for a GPU problem or an error notice; still detecting is idle', () => {
    const noGpu = state({ gpus: { ...okGpus, status: 'no-driver', gpus: [], reason: 'Found an RTX 2060, but the NVIDIA driver is not installed (nvidia-smi is missing).', nextStep: 'Install it.' } });
    const model = trayModel({ state: noGpu, settings: settings(null), now: NOW });
    expect(model.icon).toBe('attention');
    expect(model.statusLine.length).toBeLessThanOrEqual(64);
    expect(model.statusLine.startsWith('Needs attention: Found an RTX 2060')).toBe(true);
    const notice = state({ notices: [{ id: 'x', level: 'error', title: 'Wallet locked', message: 'm', nextStep: null }] });
    expect(trayModel({ state: notice, settings: settings(null), now: NOW }).statusLine).toBe('Needs attention: Wallet locked');
    expect(trayModel({ state: state({ gpus: null }), settings: settings(null), now: NOW })).toMatchObject({ icon: 'idle', statusLine: 'Looking for graphics cards…' });
  });
});

describe('tray and app icons (resources/, drawn by make-icons.mjs)', () => {
  const resources = join(import.meta.dirname, '..', '..', 'resources');
  const size = (file: string) => {
    const png = readFileSync(join(resources, file));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    return [png.readUInt32BE(16), png.readUInt32BE(20)];
  };
  it('every tray state has a 32 px icon and a 64 px @2x icon', () => {
    for (const state of TRAY_STATES) {
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
