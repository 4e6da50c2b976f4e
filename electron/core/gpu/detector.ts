import type { GpuInventory } from '../../../protocol/gpu.js';
import type { Clock, GpuProbe } from '../ports.js';
import { buildInventory } from './inventory.js';
import { parseNvidiaSmi, type NvidiaSmiReport } from './nvidia-smi-parse.js';
import type { GraphicsController, GraphicsControllerSource, NvidiaSmiSource } from './ports.js';

export interface GpuDetection {
  inventory: GpuInventory;
  /** nvidia-smi's interpreted answer (the doctor reports on it separately). */
  smi: NvidiaSmiReport;
  controllers: GraphicsController[];
  /** Set when the OS controller list could not be read; detection goes on with nvidia-smi alone. */
  controllersError: string | null;
}

/** Reads both sources side by side and merges them. Never throws: every failure is a status with a reason. */
export class GpuDetector implements GpuProbe {
  constructor(
    private readonly nvidiaSmi: NvidiaSmiSource,
    private readonly graphics: GraphicsControllerSource,
    private readonly clock: Clock,
  ) {}

  async detect(): Promise<GpuInventory> {
    return (await this.detectDetailed()).inventory;
  }

  async detectDetailed(): Promise<GpuDetection> {
    const [smiOutcome, listed] = await Promise.all([
      this.nvidiaSmi.query().catch((error: unknown) => ({
        kind: 'exited' as const,
        exitCode: -1,
        fields: [],
        stdout: '',
        stderr: `could not run nvidia-smi: ${error instanceof Error ? error.message : String(error)}`,
        header: null,
      })),
      this.graphics.list().then(
        (controllers) => ({ controllers, error: null }),
        (error: unknown) => ({ controllers: [] as GraphicsController[], error: error instanceof Error ? error.message : String(error) }),
      ),
    ]);
    const smi = parseNvidiaSmi(smiOutcome);
    const inventory = buildInventory({ smi, controllers: listed.controllers, now: new Date(this.clock.now()) });
    return { inventory, smi, controllers: listed.controllers, controllersError: listed.error };
  }
}
