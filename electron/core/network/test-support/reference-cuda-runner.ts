import { writeFileSync } from 'node:fs';
import { referenceGemm } from '../../../../protocol/bench/inputs.js';
import type { CudaBenchFailure, CudaBenchOptions, CudaBenchResult, CudaBenchRunner } from '../../ports.js';

/**
 * A CudaBenchRunner that behaves like the native program asked for `--kernels sgemm --out-c`: it writes the
 * exact C (CPU reference) and reports a device. Records each call, so tests see one run per seed.
 */
export class ReferenceCudaRunner implements CudaBenchRunner {
  readonly calls: CudaBenchOptions[] = [];

  constructor(private readonly deviceName = 'NVIDIA GeForce RTX 3060') {}

  run(options: CudaBenchOptions): Promise<CudaBenchResult | CudaBenchFailure> {
    this.calls.push(options);
    if (options.outC) writeFileSync(options.outC, new Uint8Array(referenceGemm(options.seedHex, options.n).buffer));
    const device = { name: this.deviceName, computeCapability: '8.6', smCount: 28, memoryBytes: 12 * 1024 ** 3, driverVersion: '580.0', runtimeVersion: '13.0' };
    return Promise.resolve({
      ok: true,
      mode: 'cuda',
      kernelHash: 'test',
      seedHex: options.seedHex,
      n: options.n,
      device,
      deviceDetails: null,
      kernels: [],
      gemm: { source: 'sgemm', checksum: '0', outC: options.outC ?? null },
      triad: null,
      selfCheck: { freivalds: true, hgemmMatchesSgemm: null },
      sustained: null,
      wallMs: 1,
    });
  }
}
