import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NvidiaSmiGpuActivity } from './gpu-processes-nvidia-smi.js';
import { fakeNvidiaSmiOnPath, type FakeNvidiaSmiOptions } from './test-support/fake-nvidia-smi.js';

// The real adapter against the fake nvidia-smi (test-support/fake-nvidia-smi.mjs) found first on PATH, as the
// real one would be; it streams like the real tool in loop modes.
const savedEnv = { ...process.env };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  process.env = { ...savedEnv };
});

function fakeOnPath(options: FakeNvidiaSmiOptions) {
  const smi = fakeNvidiaSmiOnPath(options);
  Object.assign(process.env, smi.env);
  cleanups.push(smi.cleanup);
  return smi;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GAME = { pid: 5120, type: 'G' as const, smPercent: 71, fbMiB: 6120, name: 'eldenring.exe' };
const CUDA = { pid: 7777, type: 'C' as const, smPercent: 98, fbMiB: 10240, name: 'python3' };

describe.skipIf(process.platform === 'win32')('NvidiaSmiGpuActivity on a streaming nvidia-smi', () => {
  it('starts nvidia-smi a fixed number of times over many samples, not three times per read', async () => {
    const smi = fakeOnPath({ temps: [45, 61], processes: [GAME, CUDA], periodMs: 200 });
    const gpu = new NvidiaSmiGpuActivity(() => false, { periodMs: 200, idleStopMs: 10_000 });
    cleanups.push(() => gpu.close?.());
    for (let read = 0; read < 15; read++) {
      const sample = await gpu.read();
      expect(sample.temperatureC).toBe(61);
      expect(sample.processes.map((p) => [p.pid, p.kind, p.smPercent]).sort()).toEqual([
        [5120, 'graphics', 71],
        [7777, 'compute', 98],
      ]);
      await sleep(200);
    }
    // pmon and the temperature query, once each, over 15 reads and about 15 samples of each stream.
    expect(smi.starts()).toHaveLength(2);
  });

  it('restarts a stream that dies and serves its samples again', async () => {
    const smi = fakeOnPath({ temps: [50], processes: [], periodMs: 100, dieAfterSamples: 3 });
    const gpu = new NvidiaSmiGpuActivity(() => false, { periodMs: 100, idleStopMs: 10_000, policy: { firstDelayMs: 0, maxDelayMs: 0, healthyAfterMs: 60_000, missingRecheckMs: 600_000 } });
    cleanups.push(() => gpu.close?.());
    expect((await gpu.read()).temperatureC).toBe(50);
    await sleep(1000);
    // Both died after three samples and went stale: the next read starts them again and waits for a sample.
    expect((await gpu.read()).temperatureC).toBe(50);
    expect(smi.starts().length).toBe(4);
  });

  it('falls through missing candidate paths to the one that exists (Windows and WSL keep it off PATH)', async () => {
    const smi = fakeNvidiaSmiOnPath({ temps: [57], periodMs: 200 });
    cleanups.push(smi.cleanup);
    const env = { FAKE_NVIDIA_SMI_LOG: smi.env.FAKE_NVIDIA_SMI_LOG, FAKE_NVIDIA_SMI_TEMPS: '57', FAKE_NVIDIA_SMI_PERIOD_MS: '200' };
    Object.assign(process.env, env);
    const gpu = new NvidiaSmiGpuActivity(() => false, { periodMs: 200, idleStopMs: 10_000, candidates: [join(smi.dir, 'absent-nvidia-smi'), smi.path] });
    cleanups.push(() => gpu.close?.());
    expect((await gpu.read()).temperatureC).toBe(57);
    expect(smi.starts()).toHaveLength(2);
  });

  it('spawns nothing again and again where there is no nvidia-smi', async () => {
    const gpu = new NvidiaSmiGpuActivity(() => false, { periodMs: 100, candidates: [join('/nonexistent', 'nvidia-smi'), join('/nonexistent', 'bin', 'nvidia-smi')] });
    for (let read = 0; read < 20; read++) expect(await gpu.read()).toEqual({ processes: [], temperatureC: null });
    expect(gpu.sampler.starts).toBe(2);
  });
});
