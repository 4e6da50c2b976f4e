import { GpuDetector } from '../gpu/detector.js';
import type { Clock } from '../ports.js';
import { NvidiaSmiCli } from './nvidia-smi.js';
import { SiGraphicsSource } from './si-graphics.js';
import { systemClock } from './console-logger.js';

/** The GpuProbe of this machine: nvidia-smi and systeminformation, merged by GpuDetector. */
export class SystemGpuProbe extends GpuDetector {
  constructor(clock: Clock = systemClock) {
    super(new NvidiaSmiCli(), new SiGraphicsSource(), clock);
  }
}
