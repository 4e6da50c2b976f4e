import si from 'systeminformation';
import type { GpuInventory } from '../../../protocol/gpu.js';
import type { GpuProbe } from '../ports.js';

/** Interim probe (systeminformation only); replaced by the merged nvidia-smi + systeminformation probe. */
export class SystemGpuProbe implements GpuProbe {
  async detect(): Promise<GpuInventory> {
    const graphics = await si.graphics();
    const gpus = graphics.controllers.map((c, index) => ({
      id: c.busAddress || `gpu-${index}`,
      vendor: 'other' as const,
      name: c.model,
      busId: c.busAddress || null,
      vramTotalMiB: c.vram ?? null,
      vramFreeMiB: null,
      driverVersion: c.driverVersion ?? null,
      cudaVersion: null,
      computeCapability: null,
      temperatureC: null,
      powerDrawW: null,
      powerLimitW: null,
      utilizationPct: null,
      pcieGen: null,
      pcieWidth: null,
      sources: ['systeminformation' as const],
      supported: false,
      unsupportedReason: 'not checked yet',
    }));
    return {
      status: gpus.length ? 'ok' : 'no-gpu',
      gpus,
      reason: gpus.length ? null : 'No graphics card was found in this computer.',
      nextStep: gpus.length ? null : 'Offhours needs a graphics card to earn.',
      detectedAt: new Date().toISOString(),
    };
  }
}
