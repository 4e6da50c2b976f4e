import type { GpuInventory } from '../../../protocol/gpu.js';
import { SystemGpuProbe } from '../../core/adapters/system-gpu-probe.js';
import { jsonOption, parseCli, printJson, type CliCommand } from '../cli-kit.js';

export function formatInventory(inventory: GpuInventory): string {
  if (inventory.gpus.length === 0) {
    return `No usable graphics card found.\n  Why: ${inventory.reason ?? 'unknown'}\n  Next: ${inventory.nextStep ?? 'run "offhours doctor"'}\n`;
  }
  const lines = inventory.gpus.map((gpu, index) => {
    const vram = gpu.vramTotalMiB === null ? 'VRAM unknown' : `${(gpu.vramTotalMiB / 1024).toFixed(1)} GB VRAM`;
    const driver = gpu.driverVersion ? `driver ${gpu.driverVersion}` : 'driver unknown';
    const temp = gpu.temperatureC === null ? '' : `, ${gpu.temperatureC} °C`;
    const support = gpu.supported ? '' : `\n     not used for work: ${gpu.unsupportedReason ?? 'unsupported'}`;
    return `  ${index + 1}. ${gpu.name} — ${vram}, ${driver}${temp}${support}`;
  });
  const footer = inventory.reason ? `\n  Note: ${inventory.reason}${inventory.nextStep ? ` ${inventory.nextStep}` : ''}\n` : '';
  return `${inventory.gpus.length} graphics card${inventory.gpus.length === 1 ? '' : 's'} found:\n${lines.join('\n')}\n${footer}`;
}

export const gpusCommand: CliCommand = {
  name: 'gpus',
  summary: 'list the graphics cards Offhours can use',
  usage: 'offhours gpus [--json]',
  async run(argv) {
    const { values } = parseCli(argv, { ...jsonOption });
    const inventory = await new SystemGpuProbe().detect();
    if (values.json) printJson(inventory);
    else process.stdout.write(formatInventory(inventory));
    return 0;
  },
};
