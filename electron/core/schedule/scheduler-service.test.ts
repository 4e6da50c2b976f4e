import { describe, expect, it, vi } from 'vitest';
import type { AvailabilityTransition, PreemptionEvent } from '../../../protocol/availability.js';
import { applySettingsPatch, defaultSettings, type Settings, type SettingsPatch } from '../../../protocol/settings.js';
import type { IdleReading, IdleSource, JobControl } from '../ports.js';
import { zoneCalendar } from './calendar.js';
import { nextLocalMidnight, SchedulerService } from './scheduler-service.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function world() {
  let now = Date.UTC(2026, 10, 25, 12, 0);
  let reading: IdleReading = { idleSeconds: 3600, locked: false, onBattery: false };
  let settings: Settings = defaultSettings();
  const settingsListeners = new Set<(s: Settings) => void>();
  const activity = new Set<() => void>();
  let job: { jobId: string; state: 'running' | 'frozen' } | null = { jobId: 'job-7', state: 'running' };
  const calls: string[] = [];
  let processes = [{ pid: 1, name: 'init', command: '' }];
  const jobs: JobControl = {
    current: () => job,
    freeze: async (reason) => {
      calls.push(`freeze:${reason}`);
      now += 40; // the engine takes a moment
      job = job && { ...job, state: 'frozen' };
    },
    thaw: async () => {
      calls.push('thaw');
      job = job && { ...job, state: 'running' };
    },
    stop: async () => {
      calls.push('stop');
      job = null;
    },
  };
  const watched: boolean[] = [];
  const idle: IdleSource = {
    name: 'test',
    read: async () => reading,
    watchClosely: (on) => watched.push(on),
    onActivity: (listener) => {
      activity.add(listener);
      return () => activity.delete(listener);
    },
  };
  const service = new SchedulerService(
    {
      clock: { now: () => now },
      calendar: zoneCalendar('UTC'),
      logger: quiet,
      idle,
      jobs,
      processes: { list: async () => processes },
      settings: {
        get: () => settings,
        update: (patch: SettingsPatch) => {
          settings = applySettingsPatch(settings, patch);
          settingsListeners.forEach((l) => l(settings));
          return settings;
        },
        onChange: (l) => {
          settingsListeners.add(l);
          return () => settingsListeners.delete(l);
        },
      },
    },
    { graceMs: 5000 },
  );
  return {
    service,
    calls,
    watched,
    advance: (ms: number) => (now += ms),
    set: (r: Partial<IdleReading>) => (reading = { ...reading, ...r }),
    now: () => now,
    settings: () => settings,
    job: () => job,
    setProcesses: (list: typeof processes) => (processes = list),
    updateSettings: (patch: SettingsPatch) => {
      settings = applySettingsPatch(settings, patch);
    },
  };
}

describe('SchedulerService', () => {
  it('publishes availability, emits transitions, freezes with a measured latency, thaws, and stops after grace', async () => {
    const w = world();
    const transitions: AvailabilityTransition[] = [];
    const preemptions: PreemptionEvent[] = [];
    w.service.onTransition((t) => transitions.push(t));
    w.service.onPreemption((p) => preemptions.push(p));
    await w.service.tick();
    expect(w.service.current()).toMatchObject({ state: 'working', jobId: 'job-7', now: 'Working on job job-7 — you are away' });

    w.advance(250);
    w.set({ idleSeconds: 0 });
    await w.service.tick();
    expect(w.calls).toEqual([expect.stringMatching(/^freeze:input 0 s ago/)]);
    expect(preemptions).toEqual([expect.objectContaining({ jobId: 'job-7', action: 'frozen', latencyMs: 40 })]);
    expect(w.service.current()).toMatchObject({ state: 'yielding', reason: 'owner-active', now: 'Paused job job-7: you are using the PC' });

    for (let i = 0; i < 10; i++) {
      w.advance(250);
      w.set({ idleSeconds: 300 + i });
      await w.service.tick();
    }
    expect(w.calls.at(-1)).toBe('thaw');
    expect(w.job()?.state).toBe('running');

    w.set({ idleSeconds: 0 });
    for (let t = 0; t <= 5250; t += 250) {
      w.advance(250);
      await w.service.tick();
    }
    expect(w.calls.slice(-2)).toEqual([expect.stringMatching(/^freeze/), 'stop']);
    expect(w.job()).toBeNull();
    expect(w.service.current()).toMatchObject({ state: 'waiting', reason: 'owner-active' });
    expect(transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['off→working', 'working→yielding', 'yielding→working', 'working→yielding', 'yielding→waiting']);
  });

  it('asks the idle source to watch closely only while a job works and waits on the owner', async () => {
    const w = world();
    await w.service.tick();
    expect(w.watched).toEqual([true]);
    w.advance(250);
    await w.service.tick(); // still working: not asked again
    w.advance(250);
    w.set({ idleSeconds: 0 });
    await w.service.tick();
    expect(w.watched).toEqual([true, false]);
    for (let i = 0; i < 3; i++) {
      w.advance(250);
      w.set({ idleSeconds: 300 + i });
      await w.service.tick();
    }
    expect(w.watched).toEqual([true, false, true]);
  });

  it('input pushed while a sample is in flight gets a sample of its own (the one in flight may predate it)', async () => {
    let reads = 0;
    let release: (() => void) | null = null;
    let fire: () => void = () => undefined;
    let idleSeconds = 3600;
    const idle: IdleSource = {
      name: 'slow',
      read: async () => {
        reads++;
        const seen = idleSeconds; // the moment of sampling; the answer comes back later
        if (reads === 2) await new Promise<void>((resolve) => (release = resolve));
        return { idleSeconds: seen, locked: false, onBattery: false };
      },
      onActivity: (listener) => ((fire = listener), () => undefined),
    };
    let state: 'running' | 'frozen' = 'running';
    const jobs: JobControl = { current: () => ({ jobId: 'j', state }), freeze: async () => void (state = 'frozen'), thaw: async () => undefined, stop: async () => undefined };
    const settings = defaultSettings();
    const service = new SchedulerService({ clock: { now: () => Date.now() }, calendar: zoneCalendar('UTC'), logger: quiet, idle, jobs, settings: { get: () => settings, update: () => settings, onChange: () => () => undefined } });
    vi.useFakeTimers(); // no timed samples: only the pushed input may cause the third read
    try {
      await service.start(); // read 1: working
      const inFlight = service.tick(); // read 2 has sampled "away" and waits
      idleSeconds = 0;
      fire();
      release!();
      await inFlight;
      await vi.advanceTimersByTimeAsync(0);
      expect(reads).toBe(3);
      expect(state).toBe('frozen');
    } finally {
      vi.useRealTimers();
    }
    await service.stop();
  });

  it('samples every 240 ms while a job runs and once a second while none does', async () => {
    let reads = 0;
    let job: { jobId: string; state: 'running' | 'frozen' } | null = null;
    const idle: IdleSource = { name: 'test', read: async () => (reads++, { idleSeconds: 3600, locked: false, onBattery: false }) };
    const jobs: JobControl = { current: () => job, freeze: async () => undefined, thaw: async () => undefined, stop: async () => undefined };
    const settings = defaultSettings();
    vi.useFakeTimers();
    const service = new SchedulerService({ clock: { now: () => Date.now() }, calendar: zoneCalendar('UTC'), logger: quiet, idle, jobs, settings: { get: () => settings, update: () => settings, onChange: () => () => undefined } });
    try {
      await service.start();
      reads = 0;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(reads).toBe(10);
      job = { jobId: 'j', state: 'running' };
      await vi.advanceTimersByTimeAsync(1_000); // the rest-cadence sample in flight sees the job
      reads = 0;
      await vi.advanceTimersByTimeAsync(2_400);
      expect(reads).toBe(10);
      job = null;
      await vi.advanceTimersByTimeAsync(240);
      reads = 0;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(reads).toBe(5);
      await service.stop();
      reads = 0;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(reads).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets go of the GPU source (its nvidia-smi streams) when it stops', async () => {
    const closed: string[] = [];
    const settings = defaultSettings();
    const idle: IdleSource = { name: 'test', read: async () => ({ idleSeconds: 0, locked: false, onBattery: false }), close: () => closed.push('idle') };
    const gpu = { read: async () => ({ processes: [], temperatureC: 50 }), isOurs: () => false, close: () => closed.push('gpu') };
    const service = new SchedulerService({ clock: { now: () => Date.now() }, calendar: zoneCalendar('UTC'), logger: quiet, idle, gpu, settings: { get: () => settings, update: () => settings, onChange: () => () => undefined } });
    await service.start();
    await service.stop();
    expect(closed).toEqual(['idle', 'gpu']);
  });

  it('pause for an hour, until tomorrow, until resume, and resume, through settings', async () => {
    const w = world();
    await w.service.tick();
    w.service.pause({ kind: 'for', minutes: 60 });
    expect(w.settings().schedule.pausedUntil).toBe(new Date(w.now() + 3_600_000).toISOString());
    await w.service.tick();
    expect(w.service.current()).toMatchObject({ state: 'yielding', reason: 'paused', next: 'Resumes at 13:00' });
    w.service.pause({ kind: 'until-tomorrow' });
    expect(w.settings().schedule.pausedUntil).toBe('2026-11-26T00:00:00.000Z');
    w.service.pause({ kind: 'until-resume' });
    expect(w.settings().schedule.pausedUntil).toBe('forever');
    w.service.resume();
    expect(w.settings().schedule.pausedUntil).toBeNull();
    await w.service.tick();
    expect(w.service.current()?.state).toBe('working');
  });

  it('does not republish when nothing changed (the UI is not spammed every 250 ms)', async () => {
    const w = world();
    let published = 0;
    w.service.onAvailability(() => published++);
    for (let i = 0; i < 20; i++) {
      w.advance(250);
      await w.service.tick();
    }
    expect(published).toBe(1);
  });

  it('finds a running game through the process scan and yields for it', async () => {
    const w = world();
    await w.service.tick();
    expect(w.service.current()?.state).toBe('working');
    // A game Offhours does not know, which the owner added in settings.
    w.setProcesses([{ pid: 9, name: 'MyGame.exe', command: '' }]);
    await w.service.scan();
    w.advance(250);
    expect((await w.service.tick()).decision.state).toBe('working');
    w.service.pause({ kind: 'for', minutes: 1 });
    w.service.resume(); // settings go through the same store the page uses
    w.updateSettings({ schedule: { extraGameExecutables: ['mygame'] } });
    await w.service.scan();
    w.advance(250);
    await w.service.tick();
    expect(w.service.current()).toMatchObject({ state: 'yielding', reason: 'game-running', detail: 'MyGame.exe' });
  });
});

describe('nextLocalMidnight', () => {
  it('is the next local 00:00, on DST days too', () => {
    const berlin = zoneCalendar('Europe/Berlin');
    expect(nextLocalMidnight(berlin, Date.UTC(2026, 2, 28, 22, 0))).toBe(Date.UTC(2026, 2, 28, 23, 0)); // Sat 23:00 CET → Sun 00:00 CET
    expect(nextLocalMidnight(berlin, Date.UTC(2026, 2, 29, 12, 0))).toBe(Date.UTC(2026, 2, 29, 22, 0)); // Sun (23 h) → Mon 00:00 CEST
    expect(nextLocalMidnight(berlin, Date.UTC(2026, 9, 25, 12, 0))).toBe(Date.UTC(2026, 9, 25, 23, 0)); // Sun (25 h) → Mon 00:00 CET
  });
});
