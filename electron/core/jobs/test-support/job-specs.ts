import type { JobSpec } from '../../../../protocol/job-spec.js';

/** A small network-less guest (64 MiB, half a core, a minute at most) for runner tests; `overrides` change the rest. */
export function smallJobSpec(id: string, image: string, overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    id,
    image,
    command: ['/bin/sh', '-c', 'echo hello; echo world'],
    env: {},
    resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 },
    maxDurationSeconds: 60,
    network: 'none',
    price: { perSecond: '7' },
    ...overrides,
  };
}
