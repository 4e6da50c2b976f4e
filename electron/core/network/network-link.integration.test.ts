import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminJobSchema, adminRoutes, type AdminJob } from '../../../protocol/network.js';
import { DEFAULT_DEMO_IMAGE, type CoordinatorConfig } from '../../../coordinator/config.js';
import { startCoordinator, type RunningCoordinator } from '../../../coordinator/service.js';
import { DockerEngineConnector } from '../adapters/docker-engine-connector.js';
import { WsCoordinatorSocket } from '../adapters/ws-coordinator-socket.js';
import { LABEL_JOB_ID } from '../jobs/ports.js';
import { JobService } from '../jobs/job-service.js';
import { findTestEngine } from '../jobs/test-support/test-engine.js';
import { networkJobsOf } from './jobs-port.js';
import { LinkStateFile } from './link-state-file.js';
import { NetworkLink } from './network-link.js';
import { TimedBenchResponder } from './timed-responder.js';
import { cpuTimedGemms } from './test-support/cpu-webgpu.js';
import { FakeAvailability, fixedSettings, MemorySigner, silentLogger } from './test-support/link-world.js';

/**
 * The link against the REAL coordinator (coordinator/service.ts on PGlite, in this process) and the REAL job
 * runner on Podman: enrol, pass the timed benchmark at the demo rate, get an offer for a submitted job, run it,
 * survive the coordinator going away mid-job, resume the session, and have the final status recorded once.
 * The scheduler is a stand-in that says "available": it is not what is under test here.
 */
const found = await findTestEngine();
const appTimers = { setTimeout: (f: () => void, ms: number) => setTimeout(f, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout), setInterval: (f: () => void, ms: number) => setInterval(f, ms), clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) };

async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!found)('NetworkLink with the real coordinator and the real job runner', () => {
  let root = '';
  let pinned = '';
  let coordinator: RunningCoordinator | null = null;
  let jobs: JobService;
  let link: NetworkLink;
  let config: CoordinatorConfig;
  const logs: string[] = [];

  const start = (port: number) =>
    startCoordinator({ ...config, port }, { demoFeed: false, benchMaxN: 128, reconnectGraceMs: 120_000, maintenance: { matchIntervalMs: 200, sweepIntervalMs: 200 }, log: (line) => logs.push(line) });
  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${coordinator!.url}${path}`, { ...init, headers: { authorization: `Bearer ${coordinator!.adminToken}`, 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<unknown>;
  };
  const jobOnCoordinator = async (jobId: string): Promise<AdminJob | undefined> => ((await admin(adminRoutes.listJobs.path)) as unknown[]).map((j) => AdminJobSchema.parse(j)).find((j) => j.jobId === jobId);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'offhours-link-it-'));
    pinned = (await found!.engine.inspectImage(found!.localImage))!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
    config = { host: '127.0.0.1', port: 0, dataDir: join(root, 'coordinator'), databaseUrl: null, adminTokenFile: join(root, 'coordinator', 'admin-token'), embedded: true, demoImage: DEFAULT_DEMO_IMAGE, benchTargetMs: 100, receiptKeyFile: join(root, 'coordinator', 'receipt-key'), payouts: { mode: 'off' } };
    coordinator = await start(0);
    mkdirSync(join(root, 'provider'));
    jobs = new JobService({ connector: new DockerEngineConnector([{ endpoint: process.env.DOCKER_HOST!, source: 'DOCKER_HOST' }]), host: { platform: 'linux', onPath: () => false }, clock: { now: () => Date.now() }, logger: silentLogger, dataDir: join(root, 'provider') });
    await jobs.start();
    link = new NetworkLink({
      target: { kind: 'remote', url: coordinator.url },
      embeddedDataDir: join(root, 'unused'),
      appVersion: '0.1.0-test',
      socket: new WsCoordinatorSocket(),
      responder: new TimedBenchResponder({ webgpu: cpuTimedGemms(), cuda: null }),
      jobs: networkJobsOf(jobs, () => jobs.state()),
      availability: new FakeAvailability(),
      signer: new MemorySigner(),
      inventory: async () => null,
      settings: fixedSettings(),
      store: new LinkStateFile(join(root, 'provider', 'network-link.json'), silentLogger),
      clock: { now: () => Date.now() },
      logger: { info: (m, f) => logs.push(`link: ${m} ${JSON.stringify(f ?? {})}`), warn: (m, f) => logs.push(`link WARN: ${m} ${JSON.stringify(f ?? {})}`), error: (m, f) => logs.push(`link ERROR: ${m} ${JSON.stringify(f ?? {})}`) },
      timers: appTimers,
      random: () => 0,
    });
  }, 120_000);

  afterAll(async () => {
    if (process.env.OFFHOURS_TEST_VERBOSE) process.stderr.write(`${logs.join('\n')}\n`);
    await link?.stop();
    await jobs?.shutdown(true);
    await coordinator?.close();
    for (const c of await found!.engine.listManagedContainers()) if (c.labels[LABEL_JOB_ID]?.startsWith('job_')) await found!.engine.removeContainer(c.id);
    rmSync(root, { recursive: true, force: true });
  });

  it('enrols, benchmarks, runs an offered job through an outage, and the final status is recorded once', async () => {
    link.start();
    await until('enrolment', () => link.state().enrolled);
    const first = link.state();
    expect(first).toMatchObject({ connection: 'connected', network: { kind: 'local-test', tokenHasValue: false } });
    await until('the timed benchmark to pass', () => link.state().standing?.benchmark.state === 'passed', 60_000);
    expect(link.state().standing?.benchmark.demo).toBe(true);

    const spec = { id: `net-it-${Date.now()}`, image: pinned, command: ['/bin/sh', '-c', 'echo started; sleep 8; echo done'], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 }, maxDurationSeconds: 120, network: 'none', price: { perSecond: '10' } };
    // The coordinator names the job itself (and puts that id in the spec it offers).
    const { jobId } = AdminJobSchema.parse(await admin(adminRoutes.submitJob.path, { method: 'POST', body: JSON.stringify({ spec, requirements: { minThroughputMilliGflops: 0 }, budget: '1000000' }) }));
    await until('the job to run here', () => jobs.state().current?.jobId === jobId && jobs.state().current?.phase === 'running');
    await until('the coordinator to see it started', async () => (await jobOnCoordinator(jobId))?.state === 'running');

    // The coordinator goes away mid-job: the link says so, the job carries on.
    const port = coordinator!.port;
    await coordinator!.close();
    coordinator = null;
    const away = await until('the link to notice', () => (link.state().connection === 'unreachable' ? link.state() : null));
    expect(away.message).toMatch(/^Network unreachable, retrying in \d+ s$/);
    expect(away.nextRetryAt).not.toBeNull();
    expect(jobs.state().current?.jobId).toBe(jobId);
    await until('the job to finish while away', () => jobs.state().recent.some((r) => r.jobId === jobId), 30_000);

    // Back on the same data dir and port: the session resumes and the final status arrives, once.
    coordinator = await start(port);
    await until('re-enrolment', () => link.state().enrolled, 60_000);
    expect(link.state().sessionId).toBe(first.sessionId);
    const done = await until('the final status on the coordinator', async () => {
      const job = await jobOnCoordinator(jobId);
      return job?.state === 'finished' ? job : null;
    });
    expect(done.history.filter((h) => h.state === 'finished')).toHaveLength(1);
    await until('the status queue to drain', () => new LinkStateFile(join(root, 'provider', 'network-link.json'), silentLogger).load().pending.length === 0);
    expect((await jobOnCoordinator(jobId))?.history.filter((h) => h.state === 'finished')).toHaveLength(1);
  }, 180_000);
});
