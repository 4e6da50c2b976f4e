import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../protocol/rpc.js';
import { defaultSettings, type Settings } from '../../../protocol/settings.js';
import { DEVELOPMENT_UPDATES_LINE, PACKAGE_UPDATES_LINE } from '../../../protocol/update.js';
import { initialJobSlice, type CurrentJob, type JobSlice } from '../../../protocol/job-spec.js';
import { ProviderCore, type ProviderCoreOptions } from '../api.js';
import type { JobService } from '../jobs/job-service.js';
import { ManualTimers, silentLogger } from '../network/test-support/link-world.js';
import type { FileRevealer, SettingsStore } from '../ports.js';
import { FakeUpdater } from './test-support/fake-updater.js';

class MemorySettingsStore implements SettingsStore {
  constructor(public saved: Settings = defaultSettings()) {}
  load() {
    return { settings: this.saved, quarantined: null, migratedFrom: null };
  }
  save(settings: Settings) {
    this.saved = settings;
  }
}

function core(extra: Partial<ProviderCoreOptions> = {}): ProviderCore {
  return new ProviderCore({
    mode: 'headless',
    appVersion: '1.0.0',
    dataDir: '/data',
    ports: { clock: { now: () => 0 }, logger: silentLogger, gpuProbe: { detect: async () => ({ status: 'no-gpu', gpus: [], reason: null, nextStep: null, detectedAt: '2026-01-01T00:00:00.000Z' }) }, settingsStore: new MemorySettingsStore() },
    ...extra,
  });
}

describe('updates in the provider state', () => {
  it('headless says where its updates come from and runs no updater', () => {
    expect(core().getState().update).toMatchObject({ phase: 'external', line: PACKAGE_UPDATES_LINE, installOnQuit: false });
    expect(core({ updates: { kind: 'external', line: DEVELOPMENT_UPDATES_LINE } }).getState().update.line).toBe(DEVELOPMENT_UPDATES_LINE);
  });

  it('the desktop updater’s progress is pushed in the state', async () => {
    const updater = new FakeUpdater();
    const provider = core({ mode: 'desktop', updates: { kind: 'self', updater, timers: new ManualTimers() } });
    expect(provider.getState().update.phase).toBe('idle');
    const pushed: string[] = [];
    provider.events.on('state', (state) => pushed.push(state.update.line));
    await provider.start();
    expect(updater.checks).toBe(1);
    updater.say({ kind: 'not-available' });
    expect(provider.getState().update).toMatchObject({ phase: 'up-to-date', checkedAt: '1970-01-01T00:00:00.000Z' });
    expect(pushed).toContain('Offhours is up to date.');
    await provider.stop();
  });
});

/** The part of the job runner core reads for updates: its slice and its change event; the test starts and ends the job. */
function jobsWith(current: CurrentJob | null) {
  let slice: JobSlice = { ...initialJobSlice(), current };
  const listeners = new Set<() => void>();
  const jobs = {
    state: () => slice,
    current: () => slice.current,
    onChange: (listener: () => void) => (listeners.add(listener), () => listeners.delete(listener)),
    start: async () => [],
    shutdown: async () => undefined,
  };
  const set = (next: CurrentJob | null) => {
    slice = { ...slice, current: next };
    listeners.forEach((listener) => listener());
  };
  return { jobs: jobs as unknown as JobService, set };
}

const RUNNING: CurrentJob = { jobId: 'job-1', image: 'img', phase: 'running', source: 'network', pull: null, elapsedSeconds: 5, maxDurationSeconds: 600, pricePerSecond: '10', logTail: [], logLinesTotal: 0, droppedLogLines: 0, usesGpu: true };

describe('updates follow the job on this PC', () => {
  it('waits with the start check until the job ends, and withdraws install-at-quit while a job runs', async () => {
    const updater = new FakeUpdater();
    const { jobs, set } = jobsWith(RUNNING);
    const provider = core({ mode: 'desktop', jobs, updates: { kind: 'self', updater, timers: new ManualTimers() } });
    await provider.start();
    expect(updater.checks).toBe(0);
    set(null);
    expect(updater.checks).toBe(1);
    updater.say({ kind: 'available', version: '2.0.0' });
    updater.say({ kind: 'downloaded', version: '2.0.0' });
    expect(provider.getState().update).toMatchObject({ phase: 'downloaded', installOnQuit: true });
    set({ ...RUNNING, jobId: 'job-2' });
    expect(provider.getState().update).toMatchObject({ installOnQuit: false, line: 'Version 2.0.0 is ready: it installs when you quit Offhours after the job on this PC ends.' });
    expect(updater.installOnQuit).toEqual([true, false]);
    await provider.stop();
  });
});

describe('revealLogs', () => {
  it('shows the log file in the file manager on the desktop', async () => {
    const revealed: string[] = [];
    const revealer: FileRevealer = { reveal: (path) => void revealed.push(path) };
    const call = createDispatcher(core({ logs: { file: '/data/logs/offhours.log', revealer } }).handlers);
    expect(await call('revealLogs', undefined)).toEqual({ ok: true, value: { path: '/data/logs/offhours.log', opened: true } });
    expect(revealed).toEqual(['/data/logs/offhours.log']);
  });

  it('headless only gives the path (the browser may be on another machine)', async () => {
    const call = createDispatcher(core({ logs: { file: '/data/logs/offhours.log', revealer: null } }).handlers);
    expect(await call('revealLogs', undefined)).toEqual({ ok: true, value: { path: '/data/logs/offhours.log', opened: false } });
  });

  it('is refused in plain words where no log is kept', async () => {
    expect(await createDispatcher(core().handlers)('revealLogs', undefined)).toMatchObject({ ok: false, error: { code: 'logs-unavailable' } });
  });
});
