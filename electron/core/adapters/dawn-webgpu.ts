import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  inspectAdapter,
  runWebGpuBenchmark,
  type AdapterDescription,
  type HarnessOptions,
  type HarnessResult,
} from '../../../protocol/bench/wgsl/harness.js';
import { UserFacingError } from '../../../protocol/errors.js';
import type { WebGpuRunner } from '../ports.js';

/** Where Debian's Chromium ships SwiftShader's Vulkan ICD (a CPU implementation of Vulkan). */
export const SWIFTSHADER_ICD_PATHS = ['/usr/lib/chromium/vk_swiftshader_icd.json', '/usr/lib/chromium-browser/vk_swiftshader_icd.json'];

type DawnModule = { create(options: string[]): GPU };

/**
 * The WebGpuRunner on Node's `webgpu` package (Dawn). The only file that imports it. When no Vulkan
 * adapter is found and VK_ICD_FILENAMES is unset, it retries once with SwiftShader's ICD if present, so a
 * machine without a GPU still runs the (unscorable) benchmark instead of failing.
 */
export class DawnWebGpuRunner implements WebGpuRunner {
  private gpu: Promise<GPU> | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly icdPaths: string[] = SWIFTSHADER_ICD_PATHS,
  ) {}

  async describe(): Promise<AdapterDescription> {
    return inspectAdapter(await this.open());
  }

  async run(options: Omit<HarnessOptions, 'nowMs'>): Promise<HarnessResult> {
    return runWebGpuBenchmark(await this.open(), { ...options, nowMs: () => performance.now() });
  }

  private open(): Promise<GPU> {
    this.gpu ??= this.load().catch((error: unknown) => {
      this.gpu = null;
      throw error;
    });
    return this.gpu;
  }

  private async load(): Promise<GPU> {
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (error) {
      throw new UserFacingError('bench-no-webgpu', `The WebGPU engine could not be loaded: ${(error as Error).message}`, 'Reinstall Offhours; the benchmark needs its bundled WebGPU engine.');
    }
    const gpu = dawn.create([]);
    if (await gpu.requestAdapter({ powerPreference: 'high-performance' })) return gpu;
    const icd = this.icdPaths.find((path) => existsSync(path));
    if (this.env.VK_ICD_FILENAMES || !icd) {
      throw new UserFacingError('bench-no-adapter', 'No graphics adapter is available to WebGPU on this computer.', 'Install or update your graphics driver (with Vulkan support), then run the benchmark again.');
    }
    // The Vulkan loader reads this when Dawn creates its next instance.
    this.env.VK_ICD_FILENAMES = icd;
    return dawn.create([]);
  }
}
