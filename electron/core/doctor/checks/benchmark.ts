import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from '../../../../protocol/errors.js';
import type { DoctorCheckProvider } from '../context.js';

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, process.platform === 'win32' ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The two benchmark engines: WebGPU (every vendor) and the CUDA program (NVIDIA). */
export const benchmarkChecks: DoctorCheckProvider = (context) => [
  {
    id: 'webgpu',
    title: 'WebGPU engine',
    async run() {
      if (!context.webgpu) return { status: 'fail', summary: 'This build of Offhours has no WebGPU engine.', fix: 'Reinstall Offhours.' };
      try {
        const adapter = await context.webgpu.describe();
        const name = [adapter.vendor, adapter.architecture, adapter.description || adapter.device].filter(Boolean).join(' ') || 'unnamed adapter';
        if (adapter.software) {
          return {
            status: 'warn',
            summary: `Only a software adapter is available (${name}): the benchmark runs on the CPU, slowly, and its score does not count.`,
            fix: 'Install or update your graphics driver with Vulkan support (on Linux: mesa-vulkan-drivers or the NVIDIA driver), then run doctor again.',
          };
        }
        return { status: 'ok', summary: `Hardware adapter: ${name}.`, fix: null };
      } catch (error) {
        if (error instanceof UserFacingError) return { status: 'fail', summary: error.message, fix: error.nextStep };
        return { status: 'fail', summary: `WebGPU could not start: ${(error as Error).message}`, fix: 'Update your graphics driver (with Vulkan support) and run doctor again.' };
      }
    },
  },
  {
    id: 'cuda-bench',
    title: 'CUDA benchmark program',
    async run() {
      const found = context.cudaBenchPaths.find(isExecutable);
      if (found) return { status: 'ok', summary: `Found at ${found}.`, fix: null };
      const { inventory } = await context.detectGpus();
      const needsIt = inventory.gpus.some((gpu) => gpu.vendor === 'nvidia' && gpu.supported);
      const where = context.cudaBenchPaths[0] ?? 'native/build/offhours-cuda-bench';
      return {
        status: needsIt ? 'fail' : 'warn',
        summary: needsIt ? `Missing (${where}), so your NVIDIA card cannot be benchmarked for paid jobs.` : `Not built (${where}); only needed with an NVIDIA card.`,
        fix: 'From a source checkout run "npm run build:native" (needs the CUDA toolkit\'s nvcc); otherwise reinstall Offhours.',
      };
    },
  },
];

/**
 * Where the CUDA benchmark may be: the packaged app's resources (electron-builder extraResources) first,
 * then a source checkout's native/build.
 */
export function cudaBenchCandidates(packageRoot: string, resourcesPath: string | null = null, platform: NodeJS.Platform = process.platform): string[] {
  const file = platform === 'win32' ? 'offhours-cuda-bench.exe' : 'offhours-cuda-bench';
  return [...(resourcesPath ? [join(resourcesPath, 'native', file)] : []), join(packageRoot, 'native', 'build', file)];
}
