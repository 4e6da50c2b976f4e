import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngineConnector } from '../adapters/docker-engine.js';
import type { Logger } from '../ports.js';
import { LABEL_JOB_ID } from './engine-port.js';
import { JobService } from './job-service.js';
import { findTestEngine } from './test-engine.js';

const found = await findTestEngine();
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('JobService (no engine)', () => {
  it('explains a missing engine and refuses jobs with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-jobsvc-'));
    const service = new JobService({ connector: new DockerEngineConnector([{ endpoint: `unix://${dir}/nope.sock`, source: 'Docker' }]), clock: { now: () => Date.now() }, logger: quiet, dataDir: dir });
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
  const service = () => new JobService({ connector: new DockerEngineConnector([{ endpoint: process.env.DOCKER_HOST!, source: 'DOCKER_HOST' }]), clock: { now: () => Date.now() }, logger: quiet, dataDir: dir });
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
    // Local test jobs are not the scheduler's to freeze.
    for (let i = 0; i < 100 && a.state().current?.phase !== 'running'; i++) await sleep(50);
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
