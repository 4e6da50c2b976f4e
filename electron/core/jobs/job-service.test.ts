import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerEngineConnector } from '../adapters/docker-engine-connector.js';
import type { Logger } from '../ports.js';
import { LABEL_JOB_ID } from './ports.js';
import { JobService } from './job-service.js';
import { findTestEngine } from './test-support/test-engine.js';

const found = await findTestEngine();
/** A PC whose PATH has no docker, podman or nvidia-smi: the engine's words then depend on the connector alone. */
const noEngineProgram = { platform: 'linux', onPath: () => false };
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobService (no engine)', () => {
  it('explains a missing engine and refuses jobs with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-jobsvc-'));
    const service = new JobService({ connector: new DockerEngineConnector([{ endpoint: `unix://${dir}/nope.sock`, source: 'Docker' }]), host: noEngineProgram, clock: { now: () => Date.now() }, logger: quiet, dataDir: dir });
    expect(await service.start()).toEqual([]);
    expect(service.state().engine).toMatchObject({ state: 'missing', message: expect.stringMatching(/No container engine|not running/) });
    await expect(service.runLocalText(JSON.stringify({ nope: 1 }))).resolves.toMatchObject({ accepted: false, reason: 'unknown-field' });
    await expect(service.runLocalText('{not json')).resolves.toMatchObject({ accepted: false, reason: 'invalid' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!found)('JobService on the real engine', () => {
  let dir = '';
  let pinned = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-jobsvc-'));
    pinned = (await found!.engine.inspectImage(found!.localImage))!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
  });
  afterAll(async () => {
    for (const c of await found!.engine.listManagedContainers()) if (c.labels[LABEL_JOB_ID]?.startsWith('svc-')) await found!.engine.removeContainer(c.id);
    rmSync(dir, { recursive: true, force: true });
  });
  const service = () => new JobService({ connector: new DockerEngineConnector([{ endpoint: process.env.DOCKER_HOST!, source: 'DOCKER_HOST' }]), host: noEngineProgram, clock: { now: () => Date.now() }, logger: quiet, dataDir: dir });
  const spec = (id: string, script: string) => JSON.stringify({ id, image: pinned, command: ['/bin/sh', '-c', script], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 }, maxDurationSeconds: 60, network: 'none', price: { perSecond: '1500' } });

  it('one service per data folder; stops its job at quit when stopJobsOnQuit is on; recent jobs carry earnings as integers', async () => {
    const a = service();
    await a.start();
    expect(a.state().engine.state).toBe('ready');
    // A second process on the same folder would fight over the journal: refused (here: same pid is allowed, so fake another live pid).
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'jobs.lock'), String(process.ppid));
    await expect(service().start()).rejects.toThrow(/Another Offhours/);
    writeFileSync(join(dir, 'jobs.lock'), String(process.pid));

    const id = `svc-${Date.now().toString(36)}`;
    expect(await a.runLocalText(spec(id, "trap 'exit 0' TERM; while true; do echo hi; sleep 0.2; done"))).toEqual({ accepted: true, jobId: id });
    await vi.waitFor(() => expect(a.state().current).toMatchObject({ jobId: id, phase: 'running' }), { timeout: 5000, interval: 50 });
    // Local test jobs are not the scheduler's to freeze.
    expect(a.control.current()).toBeNull();
    await sleep(1100);
    await a.shutdown(true);
    expect((await found!.engine.listManagedContainers()).filter((c) => c.labels[LABEL_JOB_ID] === id)).toEqual([]);

    const b = service();
    await b.start();
    const record = b.state().recent.find((r) => r.jobId === id)!;
    expect(record).toMatchObject({ outcome: 'stopped', creditedEarnings: null });
    expect(record.workedSeconds).toBeGreaterThanOrEqual(1);
    expect(record.estimatedEarnings).toBe(String(1500 * record.workedSeconds));
    await b.shutdown(true);
  });
});

describe('JobService GPU requirement', () => {
  it('refuses a GPU job this PC cannot hold, before any engine is asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-jobsvc-'));
    const connect = vi.fn(async () => ({ ok: false as const, problem: { kind: 'missing' as const, tried: [] } }));
    const gpu = (vramTotalMiB: number) => ({ id: `g${vramTotalMiB}`, vendor: 'nvidia' as const, name: 'RTX', busId: null, vramTotalMiB, vramFreeMiB: null, driverVersion: null, cudaVersion: null, computeCapability: null, temperatureC: null, powerDrawW: null, powerLimitW: null, utilizationPct: null, pcieGen: null, pcieWidth: null, sources: [], supported: true, unsupportedReason: null });
    const service = new JobService({
      connector: { connect },
      host: noEngineProgram,
      clock: { now: () => Date.now() },
      logger: quiet,
      dataDir: dir,
      gpus: { detect: async () => ({ status: 'ok', gpus: [gpu(8192), gpu(24576)], reason: null, nextStep: null, detectedAt: new Date().toISOString() }) },
    });
    const spec = (gpus: number, minVramMiB: number) =>
      JSON.stringify({ id: 'g', image: `x@sha256:${'a'.repeat(64)}`, command: ['run'], env: {}, resources: { gpus, minVramMiB, cpuMillis: 1000, memoryMiB: 256, scratchMiB: 64 }, maxDurationSeconds: 60, network: 'none', price: { perSecond: '1' } });
    expect(await service.runLocalText(spec(2, 16384))).toEqual({ accepted: false, reason: 'not-enough-gpu', message: 'The job needs 2 GPUs with at least 16 GB of memory each; this PC has 1 that qualifies.' });
    expect(connect).not.toHaveBeenCalled();
    rmSync(dir, { recursive: true, force: true });
  });
});
