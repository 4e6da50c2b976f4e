import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreemptionEvent } from '../protocol/availability.js';
import { systemClock } from '../electron/core/adapters/console-logger.js';
import { headlessIdleSource } from '../electron/core/adapters/idle-headless.js';
import { XprintidleIdleSource } from '../electron/core/adapters/idle-xprintidle.js';
import { LogindIdleSource } from '../electron/core/adapters/logind-idle.js';
import { StandInIdleMonitor, standInEvdevDevice, standInLoginctl, standInXprintidle } from '../electron/core/adapters/test-support/idle-stand-ins.js';
import { findTestEngine, type TestEngine } from '../electron/core/jobs/test-support/test-engine.js';
import type { Clock, IdleSource } from '../electron/core/ports.js';
import { systemCalendar } from '../electron/core/schedule/calendar.js';
import { LOGIND_CADENCE, XPRINTIDLE_CADENCE } from '../electron/core/schedule/poll-cadence.js';
import { SchedulerService } from '../electron/core/schedule/scheduler-service.js';
import { MonitorIdleSource } from '../electron/core/schedule/system-idle-monitor.js';
import { memorySettings, quietLogger, startRealJob } from '../electron/core/schedule/test-support/test-world.js';
import { median, percentile, type BenchFigure, type BenchSuite } from './figure.js';

const TRIALS = Number(process.env.OFFHOURS_BENCH_OWNER_TRIALS ?? 20);
const AWAY_SECONDS = 3600;
const CLK_TCK = 100;

/** One kind of idle source with a stand-in for the owner: "walk away" and "touch the PC". */
interface Kind {
  name: string;
  push: boolean;
  note: string;
  open(dir: string): { idle: IdleSource; away(): void; back(): void; close(): void };
}

/** A clock the evdev source alone reads, so "an hour away" takes no hour (the scheduler keeps real time). */
function skippingClock(): Clock & { skip(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, skip: (ms) => (offset += ms) };
}

const KINDS: Kind[] = [
  {
    name: 'evdev',
    push: true,
    note: 'a FIFO as /dev/input/event0 receiving a real EV_KEY + SYN_REPORT input_event pair; the real evdev adapter through headlessIdleSource',
    open(dir) {
      const device = standInEvdevDevice(dir);
      const clock = skippingClock();
      return { idle: headlessIdleSource(clock, 'evdev', { inputDir: dir }), away: () => clock.skip(AWAY_SECONDS * 1000), back: device.press, close: device.close };
    },
  },
  {
    name: 'power_monitor_push',
    push: true,
    note: "powerMonitor's shape (a stand-in emitter) firing 'user-did-become-active' as macOS does",
    open() {
      const monitor = new StandInIdleMonitor();
      return { idle: new MonitorIdleSource(monitor), away: () => monitor.away(AWAY_SECONDS), back: () => monitor.input(true), close: () => undefined };
    },
  },
  {
    name: 'power_monitor_polled',
    push: false,
    note: "powerMonitor on Windows (no return event): the idle time read in-process on the scheduler's 240 ms sample",
    open() {
      const monitor = new StandInIdleMonitor();
      return { idle: new MonitorIdleSource(monitor), away: () => monitor.away(AWAY_SECONDS), back: () => monitor.input(false), close: () => undefined };
    },
  },
  {
    name: 'xprintidle',
    push: false,
    note: `a stand-in xprintidle on PATH (sh + date); the real adapter through headlessIdleSource, polled every ${XPRINTIDLE_CADENCE.watchMs} ms while a job runs`,
    open(dir) {
      const tool = standInXprintidle(dir);
      return { idle: headlessIdleSource(systemClock, 'x11', { env: tool.env }), away: () => tool.away(AWAY_SECONDS), back: () => tool.touch(), close: () => undefined };
    },
  },
  {
    name: 'logind',
    push: false,
    note: `a stand-in loginctl on PATH (IdleHint yes → no); the real adapter through headlessIdleSource, polled every ${LOGIND_CADENCE.watchMs} ms while a job runs`,
    open(dir) {
      const tool = standInLoginctl(dir);
      return { idle: headlessIdleSource(systemClock, 'logind', { env: tool.env }), away: () => tool.away(AWAY_SECONDS), back: tool.back, close: () => undefined };
    },
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the time of the next preemption event of this action and its sample-to-done ms (fails after 10 s). */
function nextEvent(service: SchedulerService, action: PreemptionEvent['action']): Promise<{ at: number; engineMs: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no "${action}" within 10 s`))), 10_000);
    const off = service.onPreemption((event) => {
      if (event.action !== action) return;
      clearTimeout(timer);
      off();
      resolve({ at: performance.now(), engineMs: event.latencyMs });
    });
  });
}

/** Resolves once the scheduler works and the job runs (not frozen); fails after 10 s. */
function working(service: SchedulerService, job: { current(): { state: string } | null }): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (error?: Error) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (service.current()?.state === 'working' && job.current()?.state === 'running') done();
    };
    const timer = setTimeout(() => done(new Error(`not working within 10 s (${service.current()?.state}, ${service.current()?.reason})`)), 10_000);
    offs.push(service.onAvailability(check), service.onPreemption(check));
    check();
  });
}

/** TRIALS returns of the owner: from the stand-in input to the engine's pause returning (checked by inspect). */
async function measureKind(found: TestEngine, kind: Kind): Promise<{ total: number[]; detect: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), `offhours-owner-${kind.name}-`));
  const job = await startRealJob(found.engine, found.localImage, systemClock);
  const world = kind.open(dir);
  const service = new SchedulerService({ clock: systemClock, calendar: systemCalendar, logger: quietLogger, idle: world.idle, jobs: job.runner, settings: memorySettings() });
  const latencies: number[] = [];
  const detect: number[] = [];
  try {
    await service.start();
    for (let trial = 0; trial < TRIALS; trial++) {
      world.away();
      await working(service, job.runner);
      // A random moment, so the return lands anywhere between two polls or samples, as a real one does.
      await sleep(100 + Math.random() * 400);
      const frozen = nextEvent(service, 'frozen');
      const t0 = performance.now();
      world.back();
      const done = await frozen;
      latencies.push(done.at - t0);
      detect.push(done.at - t0 - done.engineMs);
      const state = (await found.engine.inspectContainer(job.containerId))?.state;
      if (state !== 'paused') throw new Error(`${kind.name} trial ${trial}: the engine reports ${state}, not paused`);
    }
    return { total: latencies, detect };
  } finally {
    await service.stop();
    world.close();
    await job.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** This process's CPU ticks including its waited-for children (the spawned tools): utime stime cutime cstime. */
function cpuTicksWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
}

/** CPU of a polled source alone (its timer, the spawns and the tool itself), at rest and while watching. */
async function pollCpu(name: string, open: (dir: string) => Promise<IdleSource | null>, seconds: number): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), `offhours-poll-${name}-`));
  const source = await open(dir);
  if (!source) throw new Error(`the stand-in ${name} was not found`);
  const figures: BenchFigure[] = [];
  try {
    for (const watching of [false, true]) {
      source.watchClosely?.(watching);
      const before = cpuTicksWithChildren();
      await sleep(seconds * 1000);
      const percent = ((cpuTicksWithChildren() - before) / CLK_TCK / seconds) * 100;
      figures.push({
        name: `owner_back.${name}_poll_cpu_${watching ? 'watching' : 'rest'}`,
        value: Number(percent.toFixed(2)),
        unit: '% of one core',
        goal: watching ? null : '< 0.5 %',
        note: watching
          ? `${seconds} s while a job runs (the owner is away then): the fast poll incl. the stand-in tool's own CPU; the real tool was not measured here (a stand-in sh + date is two execs per poll)`
          : `${seconds} s at rest (the idle daemon's case), incl. the stand-in tool's CPU`,
      });
    }
  } finally {
    source.close?.();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

export const ownerBackSuite: BenchSuite = {
  name: 'owner-back',
  async run(): Promise<BenchFigure[]> {
    const found = await findTestEngine();
    if (!found) throw new Error('no container engine at DOCKER_HOST: run "source .ci/podman.sh" first');
    const figures: BenchFigure[] = [];
    const r = (v: number) => Number(v.toFixed(1));
    for (const kind of KINDS) {
      const { total: latencies, detect } = await measureKind(found, kind);
      const goal = kind.push ? '≤ 100 ms (p95)' : '≤ 300 ms (p95)';
      figures.push(
        { name: `owner_back.${kind.name}_p50`, value: r(median(latencies)), unit: 'ms', goal, note: `${latencies.length} returns on a real busybox job (Podman): from the stand-in input to the engine's pause returning. Source: ${kind.note}` },
        { name: `owner_back.${kind.name}_p95`, value: r(percentile(latencies, 95)), unit: 'ms', goal: kind.push ? '≤ 100 ms' : '≤ 300 ms', note: `same trials, 95th percentile (max ${r(Math.max(...latencies))} ms)` },
        { name: `owner_back.${kind.name}_to_sample_p95`, value: r(percentile(detect, 95)), unit: 'ms', goal: null, note: `the source's share: input to the scheduler's sample (p50 ${r(median(detect))} ms); the rest is the engine's pause` },
      );
    }
    const seconds = Number(process.env.OFFHOURS_BENCH_POLL_SECONDS ?? 10);
    figures.push(...(await pollCpu('xprintidle', async (dir) => XprintidleIdleSource.open(systemClock, standInXprintidle(dir).env), seconds)));
    figures.push(...(await pollCpu('logind', async (dir) => LogindIdleSource.open(systemClock, { env: standInLoginctl(dir).env }), seconds)));
    return figures;
  },
};
