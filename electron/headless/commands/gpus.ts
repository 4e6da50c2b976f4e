import type { Gpu, GpuInventory } from '../../../protocol/gpu.js';
import { SystemGpuProbe } from '../../core/adapters/system-gpu-probe.js';
import { jsonOption, parseCli, printJson, type CliCommand } from '../cli-kit.js';

function describeGpu(gpu: Gpu, position: number): string {
  const facts = [
    gpu.vramTotalMiB === null ? 'VRAM unknown' : `${(gpu.vramTotalMiB / 1024).toFixed(1)} GB VRAM`,
    gpu.driverVersion ? `driver ${gpu.driverVersion}` : 'no driver version',
    gpu.cudaVersion ? `CUDA ${gpu.cudaVersion}` : null,
    gpu.computeCapability ? `compute ${gpu.computeCapability}` : null,
    gpu.temperatureC === null ? null : `${Math.round(gpu.temperatureC)} °C`,
    gpu.powerDrawW === null ? null : `${Math.round(gpu.powerDrawW)} W${gpu.powerLimitW === null ? '' : ` of ${Math.round(gpu.powerLimitW)} W`}`,
    gpu.busId ? `PCI ${gpu.busId}` : null,
  ].filter(Boolean);
  const verdict = gpu.supported ? 'ready for paid jobs' : `not used for paid jobs: ${gpu.unsupportedReason ?? 'unsupported'}`;
  return `  ${position}. ${gpu.name}\n     ${facts.join(', ')}\n     ${verdict}`;
}

export function formatInventory(inventory: GpuInventory): string {
  const head =
    inventory.gpus.length === 0
      ? 'No graphics card found.'
      : `${inventory.gpus.length} graphics card${inventory.gpus.length === 1 ? '' : 's'} found:\n${inventory.gpus.map((gpu, i) => describeGpu(gpu, i + 1)).join('\n')}`;
  const why = inventory.reason ? `\n  Why: ${inventory.reason}${inventory.nextStep ? `\n  Next: ${inventory.nextStep}` : ''}` : '';
  return `${head}${why}\n`;
}

export const gpusCommand: CliCommand = {
  name: 'gpus',
  usage: 'offhours gpus [--json]',
  async run(argv) {
    const { values } = parseCli(argv, { ...jsonOption });
    const inventory = await new SystemGpuProbe().detect();
    if (values.json) printJson(inventory);
    else process.stdout.write(formatInventory(inventory));
    return 0;
  },
};
