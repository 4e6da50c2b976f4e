import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallJobSpec } from './test-support/job-specs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSpecHash, type JobSpec } from '../../../protocol/job-spec.js';
import type { Logger } from '../ports.js';
import { LABEL_INSTANCE, LABEL_JOB_ID, LABEL_MANAGED, LABEL_SPEC_HASH, type ContainerStatus } from './ports.js';
import { guestConfigFor } from './hardening.js';
import { JobJournal } from './journal.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner, type JobRunnerOptions } from './runner.js';
import { findTestEngine, type TestEngine } from './test-support/test-engine.js';

/** Integration tests against the real engine at DOCKER_HOST (`source .ci/podman.sh`). */
const found = await findTestEngine();

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Other test files share the engine: this file's containers carry their own instance label. */
const INSTANCE = `runner-test-${process.pid}`;
const ours = async (engine: NonNullable<typeof found>['engine']) => (await engine.listManagedContainers()).filter((c) => c.labels[LABEL_INSTANCE] === INSTANCE);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!found)('JobRunner on the real engine', () => {
  // Collected even when skipped: no engine means placeholders that no test reaches.
  const { engine, localImage, registryImage } = found ?? { engine: null as unknown as TestEngine['engine'], localImage: '', registryImage: null };
  let pinnedLocal = '';
  let dir = '';
  let bystander = '';
  let bystanderBefore: ContainerStatus | null = null;
  let serial = 0;

  const spec = (overrides: Partial<JobSpec> = {}): JobSpec => smallJobSpec(`t${process.pid}-${Date.now().toString(36)}-${serial++}`, pinnedLocal, overrides);


  const newRunner = (journal = new JobJournal(join(dir, `journal-${serial++}.jsonl`)), options: Partial<JobRunnerOptions> = {}) =>
    new JobRunner(engine, { product: 'Podman', version: 'test', os: 'linux', nvidiaRuntime: false, cdiDevices: [], dataRoot: null }, journal, clock, quiet, {
      ...DEFAULT_RUNNER_OPTIONS,
      graceSeconds: 2,
      heartbeatMs: 200,
      minFreeDiskBytes: 0,
      instanceId: INSTANCE,
      ...options,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-jobs-'));
    const image = await engine.inspectImage(localImage);
    pinnedLocal = image!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
    expect(pinnedLocal).toMatch(/@sha256:[0-9a-f]{64}$/);
    // A container that is not ours: no labels at all. It must come through every test untouched.
    const config = guestConfigFor(spec(), 'f'.repeat(64), '', { nvidiaRuntime: false, cdiDevices: [] });
    bystander = await engine.createContainer({ ...config, name: `owner-bystander-${process.pid}`, labels: {}, command: ['/bin/sh', '-c', 'sleep 3600'] });
    await engine.startContainer(bystander);
    bystanderBefore = await engine.inspectContainer(bystander);
    expect(bystanderBefore?.state).toBe('running');
  });

  afterAll(async () => {
    // Whatever a failed test left behind of ours.
    for (const c of await engine.listManagedContainers()) if (c.labels[LABEL_JOB_ID]?.startsWith(`t${process.pid}-`)) await engine.removeContainer(c.id);
    if (bystander) {
      const after = await engine.inspectContainer(bystander);
      expect(after?.state).toBe('running');
      expect(after?.startedAt).toBe(bystanderBefore?.startedAt);
      expect(after?.labels).toEqual(bystanderBefore?.labels);
      await engine.removeContainer(bystander);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function expectBystanderUntouched() {
    const now = await engine.inspectContainer(bystander);
    expect(now?.state).toBe('running');
    expect(now?.startedAt).toBe(bystanderBefore?.startedAt);
    expect(now?.id).toBe(bystanderBefore?.id);
  }

  it('runs a job: logs stream, exit code and output digest are reported, the container is removed', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'echo hello; echo oops >&2; echo world'] });
    const { done } = runner.start(job, jobSpecHash(job), 'local');
    const result = await done;
    expect(result.outcome).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.outputDigest).toBe(createHash('sha256').update('hello\nworld\n').digest('hex'));
    expect(runner.current()).toBeNull();
    expect(await ours(engine)).toEqual([]);
    await expectBystanderUntouched();
  });

  it('runs the guest hardened: read-only root, no capabilities, nobody, no network, limits, our labels', async () => {
    const runner = newRunner();
    const job = spec({
      command: ['/bin/sh', '-c', 'id -u; touch /rootfs-write 2>/dev/null && echo rootfs-writable || echo rootfs-readonly; echo ok > /scratch/x && cat /scratch/x; echo netdev $(cat /proc/net/dev | wc -l); grep CapEff /proc/self/status; sleep 30'],
    });
    runner.start(job, jobSpecHash(job), 'local');
    const container = await until('the container', async () => (await engine.listManagedContainers()).find((c) => c.labels[LABEL_JOB_ID] === job.id && c.state === 'running'));
    const status = (await engine.inspectContainer(container!.id))!;
    expect(status.labels[LABEL_MANAGED]).toBe('true');
    expect(status.labels[LABEL_SPEC_HASH]).toBe(jobSpecHash(job));
    expect(status.hostConfig.readonlyRootfs).toBe(true);
    expect(status.hostConfig.privileged).toBe(false);
    expect(status.hostConfig.capAdd).toEqual([]);
    expect(status.hostConfig.securityOpt.join(' ')).toMatch(/no-new-privileges/);
    expect(status.hostConfig.networkMode).toBe('none');
    expect(status.hostConfig.pidsLimit).toBe(256); // 4 per MiB of its 64 MiB
    expect(status.hostConfig.memoryBytes).toBe(64 * 1024 * 1024);
    expect(status.hostConfig.nanoCpus).toBe(500_000_000);
    expect(status.hostConfig.binds).toEqual([]);
    expect(status.hostConfig.mounts).toBe(0);
    expect(status.hostConfig.portBindings).toBe(0);
    expect(status.hostConfig.user).toBe('65534:65534');
    const lines = await until('the output', () => {
      const tail = runner.view()?.logTail ?? [];
      return tail.some((l) => l.startsWith('CapEff')) ? tail : null;
    });
    expect(lines).toContain('65534');
    expect(lines).toContain('rootfs-readonly');
    expect(lines).toContain('ok');
    // No network: only the loopback interface (two header lines plus lo).
    expect(lines).toContain('netdev 3');
    expect(lines.find((l) => l.startsWith('CapEff'))).toMatch(/CapEff:\s+0+$/);
    await runner.stop('test over');
  });

  it('digests all of the output of a job that writes 5 MB and exits at once', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'seq 1 700000'] });
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    const expected = createHash('sha256');
    for (let i = 1; i <= 700_000; i++) expected.update(`${i}\n`);
    expect(result.outcome).toBe('succeeded');
    expect(result.outputDigest).toBe(expected.digest('hex'));
  });

  it('reports a failing exit code as failed', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'echo partial; exit 3'] });
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    expect(result.outcome).toBe('failed');
    expect(result.exitCode).toBe(3);
    expect(result.reason).toMatch(/code 3/);
  });

  it('pauses, unpauses and stops a job for the scheduler (JobControl)', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done'] });
    const { done } = runner.start(job, jobSpecHash(job), 'network');
    await until('running', () => runner.current()?.state === 'running');
    await until('some ticks', () => (runner.view()?.logTail.length ?? 0) >= 3);
    const containerId = (await engine.listManagedContainers()).find((c) => c.labels[LABEL_JOB_ID] === job.id)!.id;

    await runner.freeze('owner is back');
    expect(runner.current()).toEqual({ jobId: job.id, state: 'frozen' });
    expect((await engine.inspectContainer(containerId))?.state).toBe('paused');
    await sleep(300);
    const frozenTail = runner.view()!.logTail.at(-1);
    await sleep(600);
    expect(runner.view()!.logTail.at(-1)).toBe(frozenTail);

    await runner.thaw();
    expect(runner.current()?.state).toBe('running');
    expect((await engine.inspectContainer(containerId))?.state).toBe('running');
    await until('new ticks after thaw', () => runner.view()!.logTail.at(-1) !== frozenTail);

    await runner.stop('scheduler said stop');
    const result = await done;
    expect(result.outcome).toBe('stopped');
    expect(result.reason).toBe('scheduler said stop');
    expect(await engine.inspectContainer(containerId)).toBeNull();
    await expectBystanderUntouched();
  });

  it('kills a job that runs past its maximum duration', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'while true; do sleep 1; done'], maxDurationSeconds: 2 });
    const started = Date.now();
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    const took = Date.now() - started;
    expect(result.outcome).toBe('timed-out');
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(10_000);
    expect(result.workedMs).toBeGreaterThanOrEqual(1900);
    expect(await ours(engine)).toEqual([]);
  });

  /** Host processes whose command line carries `marker` (a root engine's guests are host processes too). */
  const processesMarked = (marker: string) =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false;
        }
      });

  it('ends a fork bomb at its limit: container gone, no process left, never billed past the limit, exit code truthful', async () => {
    const runner = newRunner();
    const marker = `bomb-${process.pid}-${serial}`;
    // The tester's reproduction, bounded: 64 MiB gives 256 processes; 6 s instead of 20.
    const job = spec({ command: ['/bin/sh', '-c', `: ${marker}; echo start; bomb() { bomb | bomb & }; bomb; sleep 100`], maxDurationSeconds: 6 });
    const started = Date.now();
    const { done } = runner.start(job, jobSpecHash(job), 'network');
    // The probe below sees the bomb while it runs, so its finding none afterwards means something.
    await until('the bomb to spread', () => processesMarked(marker).length > 20);
    const result = await done;
    const took = Date.now() - started;
    expect(result.outcome).toBe('timed-out');
    expect(result.workedMs).toBeLessThanOrEqual(6000);
    expect(result.workedMs).toBeGreaterThanOrEqual(5000);
    // Killed by us: the engine's 137, or null where the container had to be removed first; never a made-up 0.
    expect([137, null]).toContain(result.exitCode);
    expect(took).toBeLessThan(6000 + 20_000);
    expect(await ours(engine)).toEqual([]);
    expect(processesMarked(marker)).toEqual([]);
    await expectBystanderUntouched();
  }, 90_000);

  it('bills a job that ignores SIGTERM only up to the stop request', async () => {
    const runner = newRunner(undefined, { graceSeconds: 3 });
    const job = spec({ command: ['/bin/sh', '-c', 'trap "" TERM; echo up; while true; do sleep 0.2; done'] });
    const { done } = runner.start(job, jobSpecHash(job), 'network');
    await until('the output', () => runner.view()?.logTail.includes('up'));
    const askedAt = Date.now();
    const workedBefore = runner.view()!.elapsedSeconds;
    await runner.stop('the owner is back');
    const result = await done;
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(3000);
    expect(result).toMatchObject({ outcome: 'stopped', exitCode: 137 });
    expect(result.workedMs).toBeLessThan((workedBefore + 1) * 1000 + 500);
    expect(await ours(engine)).toEqual([]);
  });

  it('says a job that filled its memory ran out of memory (Podman does not always flag it)', async () => {
    const runner = newRunner();
    const job = spec({ command: ['/bin/sh', '-c', 'tail /dev/zero'], resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 32, scratchMiB: 16 } });
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    expect(result.outcome).toBe('failed');
    expect(result.exitCode).toBe(137);
    expect(result.reason).toMatch(/ran out of its 32 MiB memory limit/);
  });

  it.skipIf(!registryImage)('pulls from the registry with byte progress, then evicts only its own image from the cache', async () => {
    // Start clean: the registry image is one we pull ourselves.
    const stale = await engine.inspectImage(registryImage!);
    if (stale) await engine.removeImage(stale.id);
    const runner = newRunner(undefined, { imageCacheBudgetBytes: 0 });
    const seen: Array<{ done: number; total: number | null }> = [];
    runner.onChange(() => {
      const pull = runner.view()?.pull;
      if (pull) seen.push({ done: pull.bytesDone, total: pull.bytesTotal });
    });
    const job = spec({ image: registryImage!, command: ['/bin/sh', '-c', 'wc -c < /data/blob'] });
    const result = await runner.start(job, jobSpecHash(job), 'local').done;
    expect(result.outcome).toBe('succeeded');
    const last = seen.at(-1)!;
    expect(last.total).toBeGreaterThan(4_000_000);
    expect(last.done).toBe(last.total);
    expect(seen.some((s) => s.done === 0)).toBe(true);
    // Budget 0: our image goes once the job is done; the owner's local image stays.
    const evicted = await runner.makeRoom(0);
    expect(evicted).toHaveLength(1);
    expect(await engine.inspectImage(registryImage!)).toBeNull();
    expect(await engine.inspectImage(localImage)).not.toBeNull();
    await expectBystanderUntouched();
  });

  it('never evicts an image that was already here (the owner’s)', async () => {
    const runner = newRunner(undefined, { imageCacheBudgetBytes: 0 });
    const job = spec();
    expect((await runner.start(job, jobSpecHash(job), 'local').done).outcome).toBe('succeeded');
    expect(await runner.makeRoom(0)).toEqual([]);
    expect(await engine.inspectImage(pinnedLocal)).not.toBeNull();
  });

  it('reconciles after a crash: a leftover container is removed and the job reported interrupted exactly once', async () => {
    const journal = new JobJournal(join(dir, 'crash.jsonl'));
    const job = spec({ command: ['/bin/sh', '-c', 'sleep 3600'] });
    const hash = jobSpecHash(job);
    // What a crashed runner leaves behind: journal up to "running", a live labelled container.
    const id = await engine.createContainer(guestConfigFor(job, hash, '', { nvidiaRuntime: false, cdiDevices: [] }, INSTANCE));
    await engine.startContainer(id);
    journal.append({ type: 'accepted', at: Date.now() - 5000, jobId: job.id, spec: job, specHash: hash, source: 'network' });
    journal.append({ type: 'container', at: Date.now() - 4000, jobId: job.id, containerId: id });
    journal.append({ type: 'phase', at: Date.now() - 4000, jobId: job.id, phase: 'running' });
    journal.append({ type: 'work', at: Date.now() - 1000, jobId: job.id, workedMs: 3000 });
    // And an orphan with our label but no journal entry at all.
    const orphanJob = spec({ command: ['/bin/sh', '-c', 'sleep 3600'] });
    const orphan = await engine.createContainer(guestConfigFor(orphanJob, jobSpecHash(orphanJob), '', { nvidiaRuntime: false, cdiDevices: [] }, INSTANCE));
    await engine.startContainer(orphan);

    // And a job container of another Offhours data folder on the same engine: not ours to judge.
    const foreignJob = spec({ command: ['/bin/sh', '-c', 'sleep 3600'] });
    const foreign = await engine.createContainer(guestConfigFor(foreignJob, jobSpecHash(foreignJob), '', { nvidiaRuntime: false, cdiDevices: [] }, 'another-install'));
    await engine.startContainer(foreign);

    const first = await newRunner(journal).reconcile();
    expect((await engine.inspectContainer(foreign))?.state).toBe('running');
    await engine.removeContainer(foreign);
    expect(first.interrupted).toEqual([{ jobId: job.id, image: job.image, workedMs: 3000, reason: expect.stringMatching(/unexpectedly/) }]);
    expect(first.removed).toEqual([orphan]);
    expect(await engine.inspectContainer(id)).toBeNull();
    expect(await engine.inspectContainer(orphan)).toBeNull();
    journal.close();

    const again = await newRunner(new JobJournal(join(dir, 'crash.jsonl'))).reconcile();
    expect(again.interrupted).toEqual([]);
    const record = new JobJournal(join(dir, 'crash.jsonl')).fold().jobs.get(job.id)!;
    expect(record.finished?.outcome).toBe('interrupted');
    expect(record.workedMs).toBe(3000);
    await expectBystanderUntouched();
  });

  it('parks a job at a clean quit and adopts it on the next start', async () => {
    const path = join(dir, 'park.jsonl');
    const first = newRunner(new JobJournal(path));
    const job = spec({ command: ['/bin/sh', '-c', 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo n $i; sleep 0.1; done'] });
    first.start(job, jobSpecHash(job), 'network');
    await until('running', () => first.current()?.state === 'running');
    await sleep(400);
    await first.shutdown(false);
    const containerId = (await engine.listManagedContainers()).find((c) => c.labels[LABEL_JOB_ID] === job.id)!.id;
    expect((await engine.inspectContainer(containerId))?.state).toBe('paused');

    const second = newRunner(new JobJournal(path));
    const outcome = await second.reconcile();
    expect(outcome.adopted).toEqual([job.id]);
    expect(outcome.interrupted).toEqual([]);
    expect(second.current()).toEqual({ jobId: job.id, state: 'frozen' });
    expect(second.view()!.elapsedSeconds).toBeGreaterThanOrEqual(0);
    await second.thaw();
    expect((await engine.inspectContainer(containerId))?.state).toBe('running');
    await second.stop('test over');
    const record = new JobJournal(path).fold().jobs.get(job.id)!;
    expect(record.finished?.outcome).toBe('stopped');
    expect(record.workedMs).toBeGreaterThanOrEqual(300);
    expect(await engine.inspectContainer(containerId)).toBeNull();
    await expectBystanderUntouched();
  });

  it('refuses a second job while one is on the machine', async () => {
    const runner = newRunner();
    const a = spec({ command: ['/bin/sh', '-c', 'sleep 30'] });
    runner.start(a, jobSpecHash(a), 'local');
    expect(() => runner.start(spec(), 'x'.repeat(64), 'local')).toThrow(/still on this machine/);
    await runner.stop('test over');
  });
});
