/** Building blocks for store tests: a ready provider (enrolled, connected, available, benchmarked) and jobs. */
import type { GpuClaim, SubmitJobRequest } from '../../../protocol/network.js';
import type { CoordinatorStore, ProviderRecord, SessionRecord } from '../store.js';

export const T0 = new Date('2030-01-01T00:00:00.000Z');

export function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

export function deviceKey(n: number): string {
  return n.toString(16).padStart(64, '0');
}

export const RTX_4090: GpuClaim = { name: 'NVIDIA GeForce RTX 4090', vendor: 'nvidia', vramMiB: 24_564 };

export interface ReadyProviderOptions {
  key: number;
  gpus?: GpuClaim[];
  minPricePerGpuHour?: string;
  throughputMilliGflops?: number | null;
  availability?: 'available' | 'waiting';
  now?: Date;
}

export interface ReadyProvider {
  provider: ProviderRecord;
  session: SessionRecord;
}

/** Enrolled, with an open session that says "available", and (unless throughput is null) a passed timed run. */
export async function readyProvider(store: CoordinatorStore, options: ReadyProviderOptions): Promise<ReadyProvider> {
  const now = options.now ?? T0;
  const { provider } = await store.enrolProvider(
    { devicePublicKey: deviceKey(options.key), payoutAddress: '', gpus: options.gpus ?? [RTX_4090], minPricePerGpuHour: options.minPricePerGpuHour ?? '3600', appVersion: '0.1.0', backends: ['webgpu'] },
    now,
  );
  const { session } = await store.openSession({ providerId: provider.providerId, instanceId: 'test', resumeSessionId: null }, now);
  const throughput = options.throughputMilliGflops === undefined ? 80_000_000 : options.throughputMilliGflops;
  if (throughput !== null) {
    const challengeId = `chal-${options.key}-${now.getTime()}`;
    await store.createTimedBenchmark({ challengeId, providerId: provider.providerId, sessionId: session.sessionId, backend: 'webgpu', n: 256, seeds: ['00'.repeat(8)], recheck: false, sentAt: now, rttMs: 5, deadline: new Date(now.getTime() + 30_000) });
    await store.finishTimedBenchmark(challengeId, { passed: true, failureReason: null, throughputMilliGflops: throughput, demo: false }, now);
  }
  await store.touchSession(session.sessionId, now, { state: options.availability ?? 'available', reason: 'owner-away', ownerPresent: false });
  return { provider: (await store.getProvider(provider.providerId)) as ProviderRecord, session };
}

export interface JobOptions {
  gpus?: number;
  minVramMiB?: number;
  minThroughputMilliGflops?: number;
  perSecond?: string;
}

export function jobRequest(options: JobOptions = {}): SubmitJobRequest {
  return {
    spec: {
      id: 'demo',
      image: `registry.local/offhours/demo@sha256:${'a'.repeat(64)}`,
      command: ['sh', '-c', 'echo hello'],
      env: {},
      resources: { gpus: options.gpus ?? 1, minVramMiB: options.minVramMiB ?? 0, cpuMillis: 1000, memoryMiB: 256, scratchMiB: 16 },
      maxDurationSeconds: 600,
      network: 'none',
      price: { perSecond: options.perSecond ?? '10' },
    },
    requirements: { minThroughputMilliGflops: options.minThroughputMilliGflops ?? 0 },
    budget: '1000000',
  };
}
