import { describe, expect, it } from 'vitest';
import { nextGridChange, zoneCalendar, type LocalCalendar } from './calendar.js';
import { AvailabilityMachine, BATTERY_CLEAR_MS, GUARD_CLEAR_MS, type JobAction, type ScheduleSample } from './machine.js';
import { EVERY_DAY, gridOf, rules, sample } from './test-support/test-helpers.js';
import { presetSchedule } from '../../../protocol/setup.js';

const berlin = zoneCalendar('Europe/Berlin');
const utc = zoneCalendar('UTC');
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0); // Wednesday 25 Nov 2026, 12:00 UTC
const running = (jobId = 'job-1') => ({ jobId, state: 'running' as const });
const frozen = (jobId = 'job-1') => ({ jobId, state: 'frozen' as const });

/** Runs samples through a machine and applies freeze/thaw/stop to a simulated job, like the controller does. */
function drive(machine: AvailabilityMachine, samples: Omit<ScheduleSample, 'job'>[], r = rules(), start: ScheduleSample['job'] = running()) {
  let job = start;
  const actions: JobAction[] = [];
  const states: string[] = [];
  for (const s of samples) {
    const result = machine.step({ ...s, job }, r);
    states.push(result.decision.state);
    for (const action of result.actions) {
      actions.push(action);
      if (!job) continue;
      if (action.kind === 'freeze') job = { ...job, state: 'frozen' };
      if (action.kind === 'thaw') job = { ...job, state: 'running' };
      if (action.kind === 'stop') job = null;
    }
  }
  return { actions, states, job };
}

describe('idle threshold and the owner returning', () => {
  it('waits until the owner has been idle for idleMinutes, then becomes available', () => {
    const m = new AvailabilityMachine(utc);
    const r = rules({ idleMinutes: 5 });
    const first = m.step(sample(T0, { idleSeconds: 299 }), r);
    expect(first.decision).toMatchObject({ state: 'waiting', reason: 'owner-active', until: T0 + 1000 });
    const second = m.step(sample(T0 + 1000, { idleSeconds: 300 }), r);
    expect(second.decision).toMatchObject({ state: 'available', reason: 'owner-away' });
    expect(second.transition).toMatchObject({ from: 'waiting', to: 'available' });
  });

  it('yields at once when the owner returns, freezing the running job, and thaws only after a full idle period', () => {
    const m = new AvailabilityMachine(utc);
    const r = rules({ idleMinutes: 5 });
    expect(m.step(sample(T0, { job: running() }), r).decision.state).toBe('working');
    const back = m.step(sample(T0 + 250, { idleSeconds: 0, job: running() }), r);
    expect(back.decision).toMatchObject({ state: 'yielding', reason: 'owner-active', jobId: 'job-1' });
    expect(back.transition?.cause).toContain('input 0 s ago');
    expect(back.actions).toEqual([{ kind: 'freeze', jobId: 'job-1', reason: expect.stringContaining('input') }]);
    // Frozen and still active: no repeated freeze.
    expect(m.step(sample(T0 + 500, { idleSeconds: 0, job: frozen() }), r).actions).toEqual([]);
    expect(m.step(sample(T0 + 20_000, { idleSeconds: 19.5, job: frozen() }), r).decision.state).toBe('yielding');
    const away = m.step(sample(T0 + 310_000, { idleSeconds: 300, job: frozen() }), r);
    expect(away.decision.state).toBe('working');
    expect(away.actions).toEqual([{ kind: 'thaw', jobId: 'job-1', reason: 'available again' }]);
  });

  it('a locked session counts as away, and a dedicated rig is always idle', () => {
    const m = new AvailabilityMachine(utc);
    expect(m.step(sample(T0, { idleSeconds: 2, locked: true }), rules()).decision.state).toBe('available');
    const rig = new AvailabilityMachine(utc);
    expect(rig.step(sample(T0, { idleSeconds: 0 }), rules({ dedicatedRig: true })).decision).toMatchObject({ state: 'available', reason: 'dedicated-rig' });
  });

  it('allowWhileActive works while the owner uses the PC, but never while a game runs', () => {
    const m = new AvailabilityMachine(utc);
    const r = rules({ allowWhileActive: true });
    expect(m.step(sample(T0, { idleSeconds: 0, job: running() }), r).decision.state).toBe('working');
    const game = m.step(sample(T0 + 250, { idleSeconds: 0, game: 'cs2.exe', job: running() }), r);
    expect(game.decision).toMatchObject({ state: 'yielding', reason: 'game-running', detail: 'cs2.exe' });
    expect(game.actions.map((a) => a.kind)).toEqual(['freeze']);
  });
});

describe('the first-run presets (protocol/setup.ts) mean what the wizard says', () => {
  const NOON = T0; // Wednesday 12:00 UTC
  const HALF_PAST_ELEVEN_PM = T0 + 11.5 * 3_600_000;
  const decide = (preset: Parameters<typeof presetSchedule>[0], at: number, overrides: Partial<ScheduleSample> = {}) =>
    new AvailabilityMachine(utc).step(sample(at, overrides), rules(presetSchedule(preset))).decision;

  it('"When I’m away": any hour once the owner left, never while they use the PC', () => {
    expect(decide('away', NOON)).toMatchObject({ state: 'available', reason: 'owner-away' });
    expect(decide('away', NOON, { idleSeconds: 3 })).toMatchObject({ state: 'waiting', reason: 'owner-active' });
  });

  it('"Nights": only inside 23:00–07:00, and there too only while the owner is away', () => {
    expect(decide('nights', NOON)).toMatchObject({ state: 'waiting', reason: 'outside-hours' });
    expect(decide('nights', HALF_PAST_ELEVEN_PM)).toMatchObject({ state: 'available', reason: 'owner-away' });
    expect(decide('nights', HALF_PAST_ELEVEN_PM, { idleSeconds: 3 })).toMatchObject({ state: 'waiting', reason: 'owner-active' });
  });

  it('"Always": also while the owner uses the PC, never while a game or another GPU program runs', () => {
    expect(decide('always', NOON, { idleSeconds: 0 })).toMatchObject({ state: 'available', reason: 'owner-away' });
    expect(decide('always', NOON, { idleSeconds: 0, game: 'eldenring.exe' })).toMatchObject({ state: 'waiting', reason: 'game-running' });
    expect(decide('always', NOON, { idleSeconds: 0, foreignGpu: 'blender' })).toMatchObject({ state: 'waiting', reason: 'foreign-gpu' });
  });
});

describe('flapping input cannot thrash a job', () => {
  it('a twitching mouse freezes once and never thaws until the owner is idle again for the full threshold', () => {
    const m = new AvailabilityMachine(utc);
    const samples = [];
    // 10 minutes of a mouse that reports a movement every 7 s (idle counter resets), sampled every 250 ms.
    for (let t = 0; t < 600_000; t += 250) samples.push(sample(T0 + t, { idleSeconds: t === 0 ? 3600 : (t % 7000) / 1000 }));
    const { actions } = drive(m, samples, rules({ idleMinutes: 5 }));
    expect(actions.filter((a) => a.kind === 'freeze')).toHaveLength(1);
    expect(actions.filter((a) => a.kind === 'thaw')).toHaveLength(0);
  });

  it('a game that restarts its helper process every few seconds stays a blocker until gone for the clear period', () => {
    const m = new AvailabilityMachine(utc);
    const samples = [];
    for (let t = 0; t < 60_000; t += 250) samples.push(sample(T0 + t, { game: Math.floor(t / 2000) % 2 === 0 ? 'steam.exe' : null }));
    const { actions, states } = drive(m, samples);
    expect(actions.map((a) => a.kind)).toEqual(['freeze']);
    expect(new Set(states)).toEqual(new Set(['yielding']));
    const last = T0 + 60_000 - 250;
    // The game last showed at t=58 s (2 s on, 2 s off): gone at +GUARD_CLEAR_MS.
    const lastSeen = T0 + 58_000 - 250 - 2000 + 2000;
    expect(m.step(sample(lastSeen + GUARD_CLEAR_MS - 250, { job: frozen() }), rules()).decision.state).toBe('yielding');
    expect(m.step(sample(Math.max(last, lastSeen) + GUARD_CLEAR_MS, { job: frozen() }), rules()).decision.state).toBe('working');
  });

  it('a loose power plug keeps the battery pause until mains has been back for a while', () => {
    const m = new AvailabilityMachine(utc);
    const samples = [];
    for (let t = 0; t < 20_000; t += 250) samples.push(sample(T0 + t, { onBattery: Math.floor(t / 1000) % 2 === 0 }));
    const { actions } = drive(m, samples);
    expect(actions.map((a) => a.kind)).toEqual(['freeze']);
    const lastBattery = T0 + 18_750;
    let state = '';
    let t = T0 + 20_000;
    for (; state !== 'working'; t += 250) state = m.step(sample(t, { job: frozen() }), rules()).decision.state;
    expect(t - 250).toBe(lastBattery + BATTERY_CLEAR_MS);
  });

  it('temperature: cools at the ceiling and resumes only below ceiling minus hysteresis', () => {
    const m = new AvailabilityMachine(utc);
    const r = rules({ maxGpuTempC: 83 });
    const temps = [80, 82, 83, 82, 81, 79, 78, 77];
    const seen = temps.map((gpuTempC, i) => m.step(sample(T0 + i * 250, { gpuTempC, job: i < 2 ? running() : i < 7 ? frozen() : running() }), r));
    expect(seen.map((s) => s.decision.state)).toEqual(['working', 'working', 'cooling', 'cooling', 'cooling', 'cooling', 'working', 'working']);
    expect(seen[2]!.decision.detail).toBe('83 °C');
    expect(seen[6]!.actions.map((a) => a.kind)).toEqual(['thaw']);
  });
});

describe('grace period', () => {
  it('stops the frozen job once after the owner stayed for the grace period', () => {
    const m = new AvailabilityMachine(utc);
    const samples = [sample(T0)];
    for (let t = 250; t <= 61_000; t += 250) samples.push(sample(T0 + t, { idleSeconds: 0 }));
    const { actions, job } = drive(m, samples, rules(), running());
    expect(actions.map((a) => a.kind)).toEqual(['freeze', 'stop']);
    expect(job).toBeNull();
    expect(m.current()).toMatchObject({ state: 'waiting', reason: 'owner-active' });
  });

  it('one nudge of the mouse and then nothing is not staying: no stop, and the job thaws once idle again', () => {
    const m = new AvailabilityMachine(utc);
    const r = rules({ idleMinutes: 2 });
    const samples = [sample(T0)];
    // The owner touches the mouse once at T0+250 and walks away: idle grows with the clock.
    for (let t = 250; t <= 121_000; t += 250) samples.push(sample(T0 + t, { idleSeconds: (t - 250) / 1000 }));
    const { actions, job } = drive(m, samples, r, running());
    expect(actions.map((a) => a.kind)).toEqual(['freeze', 'thaw']);
    expect(job?.state).toBe('running');
  });

  it('a clock jump (sleep/resume) restarts the grace period instead of stopping the job at once', () => {
    const m = new AvailabilityMachine(utc);
    m.step(sample(T0, { job: running() }), rules());
    expect(m.step(sample(T0 + 250, { idleSeconds: 0, job: running() }), rules()).actions.map((a) => a.kind)).toEqual(['freeze']);
    const woke = m.step(sample(T0 + 8 * 3_600_000, { idleSeconds: 0, job: frozen() }), rules());
    expect(woke.actions).toEqual([]);
    const woken = T0 + 8 * 3_600_000;
    let stoppedAt = -1;
    for (let t = woken + 250; stoppedAt < 0 && t < woken + 120_000; t += 250) {
      if (m.step(sample(t, { idleSeconds: 1, job: frozen() }), rules()).actions.some((a) => a.kind === 'stop')) stoppedAt = t;
    }
    expect(stoppedAt).toBe(woken + 60_000);
  });

  it('a clock going backwards neither clears a game early nor yields negative durations', () => {
    const m = new AvailabilityMachine(utc);
    m.step(sample(T0, { game: 'dota2' }), rules());
    const back = m.step(sample(T0 - 3_600_000), rules());
    expect(back.decision).toMatchObject({ state: 'waiting', reason: 'game-running' });
    expect(m.step(sample(T0 - 3_600_000 + GUARD_CLEAR_MS), rules()).decision.state).toBe('available');
  });

  it('resuming from sleep with fresh input is owner-active, and the transition names the jump', () => {
    const m = new AvailabilityMachine(utc);
    m.step(sample(T0), rules());
    const woke = m.step(sample(T0 + 3_600_000, { idleSeconds: 1 }), rules());
    expect(woke.transition?.cause).toMatch(/^clock jumped/);
    expect(woke.decision.reason).toBe('owner-active');
  });
});

describe('the weekly grid in local time', () => {
  it('wraps at midnight and at the end of the week (Sunday 23:30 → Monday 00:00)', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: [6], from: '23:00', to: '24:00' }, { days: [0], from: '00:00', to: '01:00' }]) });
    const m = new AvailabilityMachine(utc);
    const sun2330 = Date.UTC(2026, 10, 29, 23, 30); // Sunday
    expect(m.step(sample(sun2330), r).decision.state).toBe('available');
    expect(m.step(sample(sun2330 + 30 * 60_000), r).decision.state).toBe('available'); // Monday 00:00
    const end = m.step(sample(sun2330 + 90 * 60_000), r); // Monday 01:00
    expect(end.decision).toMatchObject({ state: 'waiting', reason: 'outside-hours', until: Date.UTC(2026, 11, 6, 23, 0) });
  });

  it('window 22:00–06:00 ends at the right instant across the March DST change in Berlin', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: EVERY_DAY, from: '22:00', to: '06:00' }]) });
    const m = new AvailabilityMachine(berlin);
    // Sunday 29 March 2026: clocks go 02:00 CET → 03:00 CEST. 01:30 CET = 00:30 UTC.
    const before = m.step(sample(Date.UTC(2026, 2, 29, 0, 30)), r);
    expect(before.decision.state).toBe('available');
    expect(before.decision.until).toBe(Date.UTC(2026, 2, 29, 4, 0)); // 06:00 CEST
    // The hour 02:00–03:00 does not exist: 01:00 UTC is 03:00 CEST, still inside.
    expect(m.step(sample(Date.UTC(2026, 2, 29, 1, 0)), r).decision.state).toBe('available');
    expect(m.step(sample(Date.UTC(2026, 2, 29, 4, 0)), r).decision).toMatchObject({ state: 'waiting', until: Date.UTC(2026, 2, 29, 20, 0) });
  });

  it('window 02:00–03:00 exists twice across the October DST change in Berlin, and the gap day is skipped in March', () => {
    const r = rules({ weeklyGrid: gridOf([{ days: EVERY_DAY, from: '02:00', to: '03:00' }]) });
    // Sunday 25 October 2026: 03:00 CEST → 02:00 CET, so 02:00–03:00 local happens twice (00:00–02:00 UTC).
    const m = new AvailabilityMachine(berlin);
    expect(m.step(sample(Date.UTC(2026, 9, 25, 0, 0)), r).decision.state).toBe('available'); // 02:00 CEST
    expect(m.step(sample(Date.UTC(2026, 9, 25, 0, 59)), r).decision.state).toBe('available');
    expect(m.step(sample(Date.UTC(2026, 9, 25, 1, 0)), r).decision.state).toBe('available'); // 02:00 CET again
    expect(m.step(sample(Date.UTC(2026, 9, 25, 1, 59)), r).decision.state).toBe('available');
    expect(m.step(sample(Date.UTC(2026, 9, 25, 2, 0)), r).decision.state).toBe('waiting'); // 03:00 CET
    // In March the local hour 02:00–03:00 does not exist: the next start after Saturday's window is Monday 02:00.
    const afterSat = nextGridChange(r.weeklyGrid, berlin, Date.UTC(2026, 2, 28, 2, 0), true); // Saturday 03:00 CET
    expect(afterSat).toBe(Date.UTC(2026, 2, 30, 0, 0)); // Monday 02:00 CEST
  });

  it('follows a time-zone change at the next sample', () => {
    let zone = 'Europe/Berlin';
    const calendars = new Map<string, LocalCalendar>();
    const travelling: LocalCalendar = (ms) => {
      if (!calendars.has(zone)) calendars.set(zone, zoneCalendar(zone));
      return calendars.get(zone)!(ms);
    };
    const r = rules({ weeklyGrid: gridOf([{ days: EVERY_DAY, from: '09:00', to: '17:00' }]) });
    const m = new AvailabilityMachine(travelling);
    const at = Date.UTC(2026, 10, 25, 12, 0); // 13:00 Berlin, 07:00 New York
    expect(m.step(sample(at), r).decision.state).toBe('available');
    zone = 'America/New_York';
    const after = m.step(sample(at + 250), r);
    expect(after.decision).toMatchObject({ state: 'waiting', reason: 'outside-hours', until: Date.UTC(2026, 10, 25, 14, 0) });
  });
});

describe('pause, health and priorities', () => {
  it('is Off while paused, Yielding with a job, and back when the pause ends', () => {
    const m = new AvailabilityMachine(utc);
    const until = new Date(T0 + 3_600_000).toISOString();
    expect(m.step(sample(T0), rules({ pausedUntil: until })).decision).toMatchObject({ state: 'off', reason: 'paused', until: T0 + 3_600_000 });
    expect(m.step(sample(T0 + 250, { job: running() }), rules({ pausedUntil: 'forever' })).decision).toMatchObject({ state: 'yielding', reason: 'paused', until: null });
    expect(m.step(sample(T0 + 3_600_000, { job: frozen() }), rules({ pausedUntil: until })).decision.state).toBe('working');
  });

  it('waits for the engine; needs the network to start but not to keep working', () => {
    const m = new AvailabilityMachine(utc);
    expect(m.step(sample(T0, { engineHealthy: false }), rules()).decision).toMatchObject({ state: 'waiting', reason: 'engine-down' });
    expect(m.step(sample(T0 + 250, { networkHealthy: false }), rules()).decision).toMatchObject({ state: 'waiting', reason: 'network-down' });
    expect(m.step(sample(T0 + 500, { networkHealthy: false, job: running() }), rules()).decision.state).toBe('working');
  });

  it('foreign GPU use yields, naming the process', () => {
    const m = new AvailabilityMachine(utc);
    const result = m.step(sample(T0, { foreignGpu: 'blender (pid 4242)', job: running() }), rules());
    expect(result.decision).toMatchObject({ state: 'yielding', reason: 'foreign-gpu', detail: 'blender (pid 4242)' });
  });

  it('every transition carries a cause', () => {
    const m = new AvailabilityMachine(utc);
    const causes = [sample(T0), sample(T0 + 250, { onBattery: true }), sample(T0 + 500, { gpuTempC: 99 })]
      .map((s) => m.step(s, rules({ pauseOnBattery: true })).transition?.cause);
    expect(causes).toEqual(['no input for 3600 s, inside your hours', 'running on battery', undefined]);
  });
});
