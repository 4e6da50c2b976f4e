import { describe, expect, it } from 'vitest';
import type { EarningsTick } from '../../../protocol/earnings-stats.js';
import type { CurrentJob } from '../../../protocol/job-spec.js';
import { ManualTimers } from '../network/test-support/link-world.js';
import { LiveTicker, paidRunOf } from './live-ticker.js';

const DAY_OF = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const START = Date.parse('2026-11-30T10:00:00Z');

function job(patch: Partial<CurrentJob> = {}): CurrentJob {
  return {
    jobId: 'job-1',
    image: 'demo',
    phase: 'running',
    source: 'network',
    pull: null,
    elapsedSeconds: 0,
    maxDurationSeconds: 600,
    pricePerSecond: '25',
    logTail: [],
    logLinesTotal: 0,
    droppedLogLines: 0,
    usesGpu: false,
    ...patch,
  };
}

function world() {
  const timers = new ManualTimers();
  const ticks: EarningsTick[] = [];
  let current: CurrentJob | null = null;
  let startedAt = 0;
  const ticker = new LiveTicker({
    timers,
    clock: { now: () => START + timers.now },
    // The runner's view counts worked seconds live: here one per second since the test set the job.
    currentJob: () => (current ? { ...current, elapsedSeconds: current.phase === 'running' ? Math.floor((timers.now - startedAt) / 1000) : current.elapsedSeconds } : null),
    daily: () => [{ day: '2026-11-30', amount: '1000', seconds: 40, runs: 1 }],
    emit: (tick) => ticks.push(tick),
    dayOf: DAY_OF,
  });
  const setJob = (next: CurrentJob | null) => {
    current = next;
    startedAt = timers.now;
    ticker.sync();
  };
  return { timers, ticks, ticker, setJob, pending: () => (timers as unknown as { pending: Map<number, unknown> }).pending.size };
}

describe('LiveTicker', () => {
  it('pushes every second while a paid job runs, with the run and today growing at the job’s rate', () => {
    const w = world();
    w.setJob(job());
    w.timers.advance(3000);
    expect(w.ticks.map((t) => [t.runSeconds, t.runEarned, t.today])).toEqual([
      [0, '0', '1000'],
      [1, '25', '1025'],
      [2, '50', '1050'],
      [3, '75', '1075'],
    ]);
    expect(w.ticks.every((t) => t.jobId === 'job-1' && t.earning && t.ratePerSecond === '25' && t.day === '2026-11-30')).toBe(true);
  });

  it('stops its timer with one last tick when the job ends, and costs nothing while idle', () => {
    const w = world();
    w.setJob(job());
    w.timers.advance(2000);
    w.setJob(null);
    const count = w.ticks.length;
    expect(w.ticks.at(-1)).toMatchObject({ jobId: null, runEarned: '0', today: '1000', earning: false });
    expect(w.pending()).toBe(0);
    w.timers.advance(60_000);
    expect(w.ticks).toHaveLength(count);
  });

  it('says a frozen job is not earning, and does not count a local test job or one still downloading', () => {
    const w = world();
    w.setJob(job({ phase: 'pulling' }));
    expect(w.ticks).toHaveLength(0);
    w.setJob(job({ source: 'local' }));
    expect(w.ticks).toHaveLength(0);
    w.setJob(job({ phase: 'frozen', elapsedSeconds: 10 }));
    w.timers.advance(2000);
    expect(w.ticks.map((t) => [t.earning, t.runSeconds])).toEqual([
      [false, 10],
      [false, 10],
      [false, 10],
    ]);
  });

  it('takes adopted jobs as paid and refuses a price that is not a whole number', () => {
    expect(paidRunOf(job({ source: 'adopted' }))?.jobId).toBe('job-1');
    expect(paidRunOf(job({ pricePerSecond: '-1' }))).toBeNull();
    expect(paidRunOf(null)).toBeNull();
  });
});
