import { describe, expect, it } from 'vitest';
import { ManualTimers } from '../network/test-support/link-world.js';
import type { LineStreamHandlers, LineStreamLauncher } from '../ports.js';
import { GpuStreamSampler } from './gpu-stream-sampler.js';
import type { RestartPolicy } from './gpu-streams.js';

const PMON_HEADER = '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa     fb   command';
const policy: RestartPolicy = { firstDelayMs: 1000, maxDelayMs: 8000, healthyAfterMs: 60_000, missingRecheckMs: 600_000 };

interface Started {
  args: readonly string[];
  handlers: LineStreamHandlers;
  stopped: boolean;
  ended: boolean;
}

/** Records every start; the test speaks for the stream (its lines, its end). */
class ScriptedLauncher implements LineStreamLauncher {
  readonly started: Started[] = [];
  missing = false;

  start(args: readonly string[], handlers: LineStreamHandlers): { stop(): void } {
    const entry: Started = { args, handlers, stopped: false, ended: false };
    this.started.push(entry);
    if (this.missing) this.end(entry, true);
    return { stop: () => (entry.stopped = true) };
  }

  /** The process ends by itself (a crash, a driver reset): once per process, as the real launcher reports it. */
  end(entry: Started, missing = false): void {
    if (entry.ended || entry.stopped) return;
    entry.ended = true;
    entry.handlers.onEnd({ missing });
  }

  latest(kind: 'pmon' | 'temperature'): Started {
    const found = this.started.filter((s) => (s.args[0] === 'pmon') === (kind === 'pmon')).at(-1);
    if (!found) throw new Error(`no ${kind} stream started`);
    return found;
  }

  running(): Started[] {
    return this.started.filter((s) => !s.stopped);
  }
}

function world() {
  const timers = new ManualTimers();
  const launcher = new ScriptedLauncher();
  const sampler = new GpuStreamSampler({ launcher, clock: { now: () => timers.now }, timers }, { periodMs: 5000, startWaitMs: 2000, policy });
  /** One sample from each stream, as nvidia-smi writes it. */
  const sample = (temps: string[], pmonRows: string[]) => {
    for (const t of temps) launcher.latest('temperature').handlers.onLine(t);
    for (const row of pmonRows) launcher.latest('pmon').handlers.onLine(row);
  };
  return { timers, launcher, sampler, sample };
}

const GAME = '    0       5120     G     71     38      -      -      -      -   6120   eldenring.exe';
const NOBODY = '    0          -     -      -      -      -      -      -      -      -   -';

describe('GpuStreamSampler', () => {
  it('starts the two streams once and serves their latest samples to every read', async () => {
    const { timers, launcher, sampler, sample } = world();
    const first = sampler.read();
    expect(launcher.started.map((s) => s.args)).toEqual([
      ['pmon', '-d', '5', '-s', 'um'],
      ['--query-gpu=temperature.gpu', '--format=csv,noheader,nounits', '-lms', '5000'],
    ]);
    launcher.latest('pmon').handlers.onLine(PMON_HEADER);
    sample(['45', '61'], [GAME]);
    expect(await first).toEqual({ processes: [expect.objectContaining({ pid: 5120, smPercent: 71 })], temperatureC: 61 });
    for (let i = 0; i < 20; i++) {
      timers.advance(5000);
      sample(['50', String(60 + i)], [NOBODY]);
      expect(await sampler.read()).toEqual({ processes: [], temperatureC: 60 + i });
    }
    expect(launcher.started).toHaveLength(2);
  });

  it('answers unknown when the first samples do not come in time, and when samples go stale', async () => {
    const { timers, launcher, sampler, sample } = world();
    const first = sampler.read();
    timers.advance(2000);
    expect(await first).toEqual({ processes: null, temperatureC: null });
    launcher.latest('pmon').handlers.onLine(PMON_HEADER);
    sample(['45'], [GAME]);
    timers.advance(12_500);
    expect((await sampler.read()).temperatureC).toBe(45);
    timers.advance(1);
    expect(await sampler.read()).toEqual({ processes: null, temperatureC: null });
  });

  it('restarts a stream that died, backing off while it keeps dying at once', async () => {
    const { timers, launcher, sampler, sample } = world();
    const first = sampler.read();
    sample(['45'], [PMON_HEADER, NOBODY]);
    await first;
    const startsOf = () => launcher.started.filter((s) => s.args[0] !== 'pmon').length;
    const restartsAt: number[] = [];
    for (let t = 0; t < 40; t++) {
      if (startsOf() > restartsAt.length + 1) restartsAt.push(timers.now);
      launcher.end(launcher.latest('temperature'));
      timers.advance(1000);
      // A read that restarts a stream waits for its first sample, which never comes here: no await.
      void sampler.read();
    }
    // Waits of 1, 2, 4, 8, 8 … s (the cap) between a quick death and the next start.
    expect(restartsAt.slice(0, 6)).toEqual([1000, 3000, 7000, 15_000, 23_000, 31_000]);
    expect(launcher.started.filter((s) => s.args[0] === 'pmon')).toHaveLength(1);
  });

  it('serves a restarted stream only from its own lines', async () => {
    const { launcher, sampler, sample, timers } = world();
    const first = sampler.read();
    sample(['88'], [PMON_HEADER, GAME]);
    await first;
    launcher.end(launcher.latest('temperature'));
    launcher.end(launcher.latest('pmon'));
    timers.advance(1000);
    const second = sampler.read();
    expect(launcher.started).toHaveLength(4);
    // The new pmon has printed no header yet, so its rows are not understood; the old samples are gone.
    sample(['50'], [GAME]);
    timers.advance(2000);
    expect(await second).toEqual({ processes: null, temperatureC: 50 });
  });

  it('remembers a missing nvidia-smi and looks again only after the recheck interval', async () => {
    const { timers, launcher, sampler } = world();
    launcher.missing = true;
    expect(await sampler.read()).toEqual({ processes: null, temperatureC: null });
    for (let i = 0; i < 100; i++) {
      timers.advance(5000);
      await sampler.read();
    }
    expect(launcher.started).toHaveLength(2);
    timers.advance(100_000);
    await sampler.read();
    expect(launcher.started).toHaveLength(4);
  });

  it('stops the streams when nobody reads, and on close; the next read starts them again', async () => {
    const { timers, launcher, sampler, sample } = world();
    const first = sampler.read();
    sample(['45'], [PMON_HEADER, NOBODY]);
    await first;
    timers.advance(19_999);
    expect(launcher.running()).toHaveLength(2);
    timers.advance(1);
    expect(launcher.running()).toHaveLength(0);
    const again = sampler.read();
    expect(launcher.running()).toHaveLength(2);
    sample(['46'], [PMON_HEADER, NOBODY]);
    expect((await again).temperatureC).toBe(46);
    sampler.close();
    expect(launcher.running()).toHaveLength(0);
    // Our own stop is no failure: no back-off before the next start.
    const third = sampler.read();
    expect(launcher.running()).toHaveLength(2);
    timers.advance(2000);
    await third;
  });
});
