import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobSpecHash, type JobSpec } from '../../../protocol/job-spec.js';
import type { Logger } from '../ports.js';
import { haltContainer, removeContainerSurely } from './container-halt.js';
import { judgeEnding, type JobEnding } from './job-ending.js';
import { JobJournal } from './journal.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner } from './runner.js';
import { ScriptedEngine, TEST_ENGINE_INFO, type GuestScript } from './test-support/scripted-engine.js';
import { smallJobSpec } from './test-support/job-specs.js';
import { WorkClock } from './work-clock.js';

/** How the runner stops guests that will not stop, and what it records: with a scripted engine, no containers. */
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clock = { now: () => Date.now() };
const plan = { graceSeconds: 1, stepTimeoutMs: 200, backoffMs: [10, 20, 40] };
const engines: ScriptedEngine[] = [];
const dirs: string[] = [];

function scripted(script: GuestScript): ScriptedEngine {
  const engine = new ScriptedEngine(script);
  engines.push(engine);
  return engine;
}

afterEach(() => {
  engines.splice(0).forEach((e) => e.dispose());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const spec = (overrides: Partial<JobSpec> = {}): JobSpec =>
  smallJobSpec(`s${Math.random().toString(36).slice(2, 10)}`, `localhost/x@sha256:${'a'.repeat(64)}`, { command: ['/bin/sh', '-c', 'work'], ...overrides });

function runnerOn(engine: ScriptedEngine, sleeps: number[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-stop-'));
  dirs.push(dir);
  const journal = new JobJournal(join(dir, 'journal.jsonl'));
  const options = { ...DEFAULT_RUNNER_OPTIONS, graceSeconds: 1, stepTimeoutMs: 200, haltBackoffMs: [10, 20, 40], outputDrainMs: 200, heartbeatMs: 50, minFreeDiskBytes: 0 };
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
  return { runner: new JobRunner(engine, TEST_ENGINE_INFO, journal, clock, quiet, options, sleep), journal };
}

const until = async (probe: () => boolean) => {
  while (!probe()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('stopping a guest for sure', () => {
  it('goes on to kill when the engine’s stop fails with HTTP 500, and checks the result', async () => {
    const engine = scripted({ onTerm: 'ignore', failing: { stop: 1 } });
    await engine.createContainer({} as never);
    await engine.startContainer();
    const report = await haltContainer(engine, 'guest', plan);
    expect(engine.calls.filter((c) => c !== 'inspect' && c !== 'create' && c !== 'start')).toEqual(['stop(1)', 'kill']);
    expect(report.stopped?.state).toBe('exited');
    expect(report.stopped?.exitCode).toBe(137);
    expect(report.failures).toEqual([expect.stringMatching(/^stop: .*500.*timed out waiting for file/)]);
  });

  it('forces a remove when stop and kill both fail, retrying with back-off until the container is gone', async () => {
    const engine = scripted({ onTerm: 'ignore', failing: { stop: 1, kill: 5, remove: 2 } });
    await engine.createContainer({} as never);
    await engine.startContainer();
    const sleeps: number[] = [];
    const report = await haltContainer(engine, 'guest', plan, async (ms) => void sleeps.push(ms));
    expect(engine.calls.filter((c) => c !== 'inspect' && c !== 'create' && c !== 'start')).toEqual(['stop(1)', 'kill', 'remove', 'kill', 'remove', 'kill', 'remove']);
    expect(sleeps).toEqual([10, 20]);
    expect(report).toMatchObject({ stopped: null, gone: true });
    expect(engine.state).toBe('gone');
  });

  it('gives an engine call that hangs up its step timeout, then tries the next', async () => {
    const engine = scripted({ onTerm: 'ignore', failing: { stop: 1 }, failAfterMs: 60_000 });
    await engine.createContainer({} as never);
    await engine.startContainer();
    const started = Date.now();
    const report = await haltContainer(engine, 'guest', { ...plan, graceSeconds: 0.1 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(report.failures).toEqual([expect.stringMatching(/^stop: stop did not answer within/)]);
    expect(report.stopped?.exitCode).toBe(137);
  });

  it('says so when the container will not go, after every retry', async () => {
    const engine = scripted({ onTerm: 'ignore', failing: { remove: 10 } });
    await engine.createContainer({} as never);
    const sleeps: number[] = [];
    const report = await removeContainerSurely(engine, 'guest', plan, async (ms) => void sleeps.push(ms));
    expect(report.gone).toBe(false);
    expect(sleeps).toEqual([10, 20, 40]);
    expect(engine.calls.filter((c) => c === 'remove')).toHaveLength(4);
  });
});

describe('the runner never bills past a stop or a limit', () => {
  it('a job past its limit whose engine will not stop it: forced out, billed no more than its limit, no made-up exit code', async () => {
    const engine = scripted({ onTerm: 'ignore', failing: { kill: 10 } });
    const { runner, journal } = runnerOn(engine);
    const job = spec({ maxDurationSeconds: 1 });
    const started = Date.now();
    const result = await runner.start(job, jobSpecHash(job), 'network').done;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.outcome).toBe('timed-out');
    expect(result.exitCode).toBeNull();
    expect(result.workedMs).toBeLessThanOrEqual(1000);
    expect(result.workedMs).toBeGreaterThanOrEqual(900);
    expect(engine.state).toBe('gone');
    expect(journal.fold().jobs.get(job.id)?.finished?.workedMs).toBe(result.workedMs);
  });

  it('a job that ignores SIGTERM is billed up to the stop request, not through the grace period', async () => {
    const engine = scripted({ onTerm: 'ignore' });
    const { runner } = runnerOn(engine);
    const job = spec();
    const { done } = runner.start(job, jobSpecHash(job), 'network');
    await until(() => runner.current()?.state === 'running');
    const runningSeenAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const askedAt = Date.now();
    await runner.stop('the owner is back');
    const result = await done;
    // The grace second passed before the guest died; none of it is billed (the slack is for a loaded machine).
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(1000);
    expect(result.workedMs).toBeLessThan(askedAt - runningSeenAt + 400);
    expect(result).toMatchObject({ outcome: 'stopped', exitCode: 137, reason: 'the owner is back' });
    expect(engine.calls.filter((c) => c.startsWith('stop') || c === 'kill')).toEqual(['stop(1)']);
  });

  it('a frozen job that is stopped is thawed first (signals wait while frozen), and frozen time is not billed', async () => {
    const engine = scripted({ onTerm: 'exit' });
    const { runner } = runnerOn(engine);
    const job = spec();
    const { done } = runner.start(job, jobSpecHash(job), 'network');
    await until(() => runner.current()?.state === 'running');
    await runner.freeze('owner');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await runner.stop('scheduler');
    const result = await done;
    expect(engine.calls).toContain('unpause');
    expect(result.workedMs).toBeLessThan(500);
    expect(result).toMatchObject({ outcome: 'stopped', exitCode: 143 });
  });

  it('reports an OOM kill as running out of memory', async () => {
    const engine = scripted({ onTerm: 'exit', exitsAfterMs: 20, exitCode: 137, oomKilled: true, stdout: 'allocating\n' });
    const { runner } = runnerOn(engine);
    const job = spec();
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 137, reason: 'The job ran out of its 64 MiB memory limit and was killed.' });
    expect(result.outputDigest).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('judging how a job ended', () => {
  const base: JobEnding = { timedOut: false, stopReason: null, exit: { code: 0, oomKilled: false }, memoryMiB: 64, maxDurationSeconds: 20, output: { digest: 'd' }, leftBehind: false };
  it('names the outcome and keeps the real exit code', () => {
    expect(judgeEnding(base)).toEqual({ outcome: 'succeeded', exitCode: 0, reason: null, outputDigest: 'd' });
    expect(judgeEnding({ ...base, exit: { code: 3, oomKilled: false } })).toMatchObject({ outcome: 'failed', exitCode: 3, reason: 'The job exited with code 3.' });
    expect(judgeEnding({ ...base, timedOut: true, exit: null })).toMatchObject({ outcome: 'timed-out', exitCode: null, reason: 'The job ran past its limit of 20 s and was stopped.' });
    expect(judgeEnding({ ...base, exit: null })).toMatchObject({ outcome: 'failed', exitCode: null, reason: expect.stringMatching(/did not say how/) });
  });
  it('calls a SIGKILL nobody here sent what it almost always is: out of memory', () => {
    expect(judgeEnding({ ...base, exit: { code: 137, oomKilled: false } }).reason).toBe('The job was killed (exit code 137, SIGKILL), most likely because it ran out of its 64 MiB memory limit.');
    expect(judgeEnding({ ...base, exit: { code: 137, oomKilled: true } }).reason).toBe('The job ran out of its 64 MiB memory limit and was killed.');
  });
  it('records no digest over partial output, and says why; says when the container was left behind', () => {
    const verdict = judgeEnding({ ...base, output: { digest: null, why: 'the stream broke off.' }, leftBehind: true });
    expect(verdict.outputDigest).toBeNull();
    expect(verdict.reason).toBe('No output digest: the stream broke off. The container engine would not remove the job’s container; Offhours removes it at its next start.');
  });
});

describe('the work clock', () => {
  it('counts running stretches only, stops for good at a stop request, and never passes the limit', () => {
    const work = new WorkClock(10_000, 2000);
    work.resume(0);
    expect(work.workedMs(3000)).toBe(5000);
    work.pause(3000);
    expect(work.workedMs(60_000)).toBe(5000);
    work.resume(60_000);
    expect(work.remainingMs(61_000)).toBe(4000);
    expect(work.workedMs(600_000)).toBe(10_000);
    work.stop(62_000);
    work.resume(63_000);
    expect(work.running).toBe(false);
    expect(work.workedMs(700_000)).toBe(7000);
  });
  it('caps work carried over from the journal too', () => {
    expect(new WorkClock(5000, 9000).workedMs(0)).toBe(5000);
  });
});
