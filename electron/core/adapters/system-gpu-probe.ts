import { GpuDetector } from '../gpu/detector.js';
import type { Clock, NodeChildLauncher } from '../ports.js';
import { nodeForkLauncher } from './node-child-fork.js';
import { NvidiaSmiCli } from './nvidia-smi.js';
import { SiGraphicsSource } from './si-graphics.js';
import { systemClock } from './console-logger.js';

/** The GpuProbe of this machine: nvidia-smi and systeminformation, merged by GpuDetector. */
export class SystemGpuProbe extends GpuDetector {
  constructor(clock: Clock = systemClock, children: NodeChildLauncher = nodeForkLauncher) {
    super(new NvidiaSmiCli(), new SiGraphicsSource(15_000, children), clock);
  }
}
