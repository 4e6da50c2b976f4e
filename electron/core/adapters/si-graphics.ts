import si, { type Systeminformation } from 'systeminformation';
import type { GraphicsController, GraphicsControllerSource } from '../gpu/sources.js';

/** systeminformation's controller record in our own type. Exported for the fixture tests. */
export function toGraphicsController(c: Partial<Systeminformation.GraphicsControllerData>): GraphicsController {
  return {
    vendor: c.vendor ?? '',
    vendorId: c.vendorId ? c.vendorId.toLowerCase().replace(/^0x/, '') : null,
    model: c.model || c.name || '',
    // On Windows busAddress is empty; systeminformation fills pciBus from its own nvidia-smi call.
    busAddress: c.busAddress || c.pciBus || null,
    vramMiB: typeof c.vram === 'number' ? c.vram : null,
    vramDynamic: Boolean(c.vramDynamic),
    driverVersion: c.driverVersion || null,
  };
}

/** The OS's display controllers through systeminformation (every vendor); the only file importing it for graphics. */
export class SiGraphicsSource implements GraphicsControllerSource {
  constructor(private readonly timeoutMs = 15_000) {}

  async list(): Promise<GraphicsController[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the system did not list its graphics controllers within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      timer.unref();
    });
    try {
      const graphics = await Promise.race([si.graphics(), timeout]);
      return graphics.controllers.map(toGraphicsController);
    } finally {
      clearTimeout(timer);
    }
  }
}
