import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSpecHash, type JobSpec } from '../../../../protocol/job-spec.js';
import { applySettingsPatch, defaultSettings, type Settings, type SettingsPatch } from '../../../../protocol/settings.js';
import { LABEL_JOB_ID, type ContainerEngine } from '../../jobs/ports.js';
import { JobJournal } from '../../jobs/journal.js';
import { DEFAULT_RUNNER_OPTIONS, JobRunner } from '../../jobs/runner.js';
import type { Clock, IdleReading, IdleSource, Logger } from '../../ports.js';

/** Shared by the preemption integration test and bench/schedule.bench.ts: a real job on the real engine. */
export const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class ManualIdle implements IdleSource {
  readonly name = 'manual';
  reading: IdleReading = { idleSeconds: 3600, locked: false, onBattery: false };
  async read(): Promise<IdleReading> {
    return this.reading;
  }
  set(idleSeconds: number): void {
    this.reading = { ...this.reading, idleSeconds };
  }
}

export function memorySettings(initial: Settings = defaultSettings()) {
  let settings = initial;
  const listeners = new Set<(s: Settings) => void>();
  return {
    get: () => settings,
    update: (patch: SettingsPatch) => {
      settings = applySettingsPatch(settings, patch);
      listeners.forEach((l) => l(settings));
      return settings;
    },
    onChange: (listener: (s: Settings) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Starts a long-running busybox job through the real JobRunner and waits (event-driven) until it runs. */
export async function startRealJob(engine: ContainerEngine, localImage: string, clock: Clock) {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-sched-'));
  const image = await engine.inspectImage(localImage);
  const pinned = image?.repoDigests.find((d) => d.includes('@sha256:'));
  if (!pinned) throw new Error(`${localImage} has no repo digest`);
  const runner = new JobRunner(
    engine,
    { product: 'Podman', version: 'test', os: 'linux', nvidiaRuntime: false, cdiDevices: [], dataRoot: null },
    new JobJournal(join(dir, 'journal.jsonl')),
    clock,
    quietLogger,
    { ...DEFAULT_RUNNER_OPTIONS, graceSeconds: 1, heartbeatMs: 1000, minFreeDiskBytes: 0 },
  );
  const spec: JobSpec = {
    id: `sched${process.pid}-${Date.now().toString(36)}`,
    image: pinned,
    command: ['/bin/sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
    env: {},
    resources: { gpus: 0, minVramMiB: 0, cpuMillis: 250, memoryMiB: 32, scratchMiB: 8 },
    maxDurationSeconds: 600,
    network: 'none',
    price: { perSecond: '1' },
  };
  const running = new Promise<void>((resolve) => {
    const check = () => {
      if (runner.current()?.state === 'running') {
        off();
        resolve();
      }
    };
    const off = runner.onChange(check);
    check();
  });
  const { done } = runner.start(spec, jobSpecHash(spec), 'local');
  await Promise.race([running, done.then((r) => Promise.reject(new Error(`job ended before running: ${JSON.stringify(r)}`)))]);
  const container = (await engine.listManagedContainers()).find((c) => c.labels[LABEL_JOB_ID] === spec.id);
  if (!container) throw new Error('the job has no container');
  return {
    runner,
    spec,
    containerId: container.id,
    done,
    cleanup: async () => {
      if (runner.current()) await runner.stop('test cleanup').catch(() => undefined);
      await done.catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
