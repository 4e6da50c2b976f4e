import type { Gpu, GpuInventory, GpuVendor } from '../../../protocol/gpu.js';
import { normalizeBusId } from './bus-id.js';
import type { NvidiaCard, NvidiaSmiProblem, NvidiaSmiReport } from './nvidia-smi-parse.js';
import type { GraphicsController } from './ports.js';

/** Paid CUDA work needs Turing (GTX 16 / RTX 20) or newer… */
export const MIN_COMPUTE_CAPABILITY = 7.5;
/** …and a "6 GB" card; drivers report 6 GB cards a little under 6144 MiB on some boards. */
export const MIN_VRAM_MIB = 6144 - 256;

/** Display adapters that are not graphics cards: VM/remote displays and server management (BMC) chips. */
const NOT_A_GPU = /basic render driver|basic display|llvmpipe|softpipe|svga|virtualbox|vboxvga|qxl|cirrus|bochs|virtio|aspeed|matrox|hyper-v|remote display|virtual display|parsec|citrix|displaylink|mirage/i;

export function vendorOf(controller: Pick<GraphicsController, 'vendor' | 'vendorId' | 'model'>): GpuVendor {
  const id = controller.vendorId?.toLowerCase().replace(/^0x/, '') ?? '';
  if (id === '10de') return 'nvidia';
  if (id === '1002' || id === '1022') return 'amd';
  if (id === '8086') return 'intel';
  if (id === '106b') return 'apple';
  const text = `${controller.vendor} ${controller.model}`.toLowerCase();
  if (/nvidia|geforce|quadro|tesla/.test(text)) return 'nvidia';
  if (/advanced micro devices|\bamd\b|\bati\b|radeon/.test(text)) return 'amd';
  if (/intel/.test(text)) return 'intel';
  if (/apple/.test(text)) return 'apple';
  return 'other';
}

export function isRealGpu(controller: GraphicsController): boolean {
  return !NOT_A_GPU.test(`${controller.vendor} ${controller.model}`);
}

/** Whether the network can send this NVIDIA card paid CUDA work, and why not in plain words. */
export function assessNvidiaCard(card: NvidiaCard): { supported: boolean; reason: string | null } {
  if (card.computeCapability === null) {
    return { supported: false, reason: 'Offhours could not read its CUDA compute capability. Update the NVIDIA driver to version 525 or newer.' };
  }
  const cc = Number(card.computeCapability);
  if (cc < MIN_COMPUTE_CAPABILITY) {
    return {
      supported: false,
      reason: `This card is too old for paid jobs (CUDA compute capability ${card.computeCapability}; GeForce GTX 16 / RTX 20 series or newer is needed). It can still run the WebGPU benchmark.`,
    };
  }
  if (card.memoryTotalMiB === null) return { supported: false, reason: 'Offhours could not read how much memory this card has. Update the NVIDIA driver and scan again.' };
  if (card.memoryTotalMiB < MIN_VRAM_MIB) {
    return {
      supported: false,
      reason: `This card has ${(card.memoryTotalMiB / 1024).toFixed(1)} GB of memory; paid jobs need at least 6 GB. It can still run the WebGPU benchmark.`,
    };
  }
  return { supported: true, reason: null };
}

function isIntegrated(controller: GraphicsController, vendor: GpuVendor): boolean {
  return controller.vramDynamic || vendor === 'apple' || (vendor === 'intel' && !/arc/i.test(controller.model));
}

const DRIVER_PROBLEMS: Record<NvidiaSmiProblem, { reason: string; nextStep: string }> = {
  'driver-mismatch': {
    reason: 'The NVIDIA driver was updated, but the old version is still running (driver/library version mismatch).',
    nextStep: 'Restart the computer. If the message stays, reinstall the NVIDIA driver.',
  },
  'driver-not-loaded': {
    reason: 'The NVIDIA driver is installed but not running.',
    nextStep: 'Restart the computer. On Linux, check that Secure Boot is not blocking the nvidia kernel module; otherwise reinstall the NVIDIA driver.',
  },
  'no-devices': {
    reason: 'The NVIDIA driver is running but does not see your card.',
    nextStep: 'Check the card is seated and its power cables are plugged in, restart the computer, then reinstall the NVIDIA driver if it still is not seen.',
  },
  'nvml-missing': {
    reason: 'The NVIDIA driver is incomplete: its management library (NVML) is missing.',
    nextStep: 'Reinstall the latest NVIDIA driver from nvidia.com/drivers, then scan again.',
  },
  permission: {
    reason: 'Offhours is not allowed to read the NVIDIA card (insufficient permissions).',
    nextStep: 'Run Offhours as the signed-in user (on Linux, a member of the "video" group), then scan again.',
  },
  timeout: {
    reason: 'The NVIDIA driver did not answer in time.',
    nextStep: 'The card may be stuck. Save your work, restart the computer and scan again.',
  },
  empty: {
    reason: 'nvidia-smi, the NVIDIA driver tool, answered with nothing.',
    nextStep: 'Update the NVIDIA driver to the latest version and scan again. If it keeps happening, run "offhours doctor".',
  },
  garbled: {
    reason: 'nvidia-smi, the NVIDIA driver tool, gave an answer Offhours could not read.',
    nextStep: 'Update the NVIDIA driver to the latest version and scan again. If it keeps happening, run "offhours doctor".',
  },
  failed: {
    reason: 'nvidia-smi, the NVIDIA driver tool, failed.',
    nextStep: 'Restart the computer and scan again. If it keeps happening, reinstall the NVIDIA driver.',
  },
};

export function describeDriverProblem(problem: NvidiaSmiProblem): { reason: string; nextStep: string } {
  return DRIVER_PROBLEMS[problem];
}

const PAID_WORK_NEEDS = 'Paid jobs need an NVIDIA GeForce GTX 16 / RTX 20 series or newer card with at least 6 GB of memory. You can still run the WebGPU benchmark.';

function fromNvidiaCard(card: NvidiaCard, controller: GraphicsController | null, cudaVersion: string | null): Gpu {
  const support = assessNvidiaCard(card);
  return {
    id: card.uuid ?? card.busId ?? `nvidia-${card.index}`,
    vendor: 'nvidia',
    name: card.name,
    busId: card.busId ?? normalizeBusId(controller?.busAddress),
    vramTotalMiB: card.memoryTotalMiB,
    vramFreeMiB: card.memoryFreeMiB,
    driverVersion: card.driverVersion ?? controller?.driverVersion ?? null,
    cudaVersion,
    computeCapability: card.computeCapability,
    temperatureC: card.temperatureC,
    powerDrawW: card.powerDrawW,
    powerLimitW: card.powerLimitW,
    utilizationPct: card.utilizationPct,
    pcieGen: card.pcieGen,
    pcieWidth: card.pcieWidth,
    sources: controller ? ['nvidia-smi', 'systeminformation'] : ['nvidia-smi'],
    supported: support.supported,
    unsupportedReason: support.reason,
  };
}

function fromController(controller: GraphicsController, vendor: GpuVendor, position: number, smi: NvidiaSmiReport): Gpu {
  const busId = normalizeBusId(controller.busAddress);
  let reason: string;
  if (vendor === 'nvidia') {
    reason =
      smi.kind === 'error'
        ? 'The NVIDIA driver is not working, so this card cannot be used until it is fixed.'
        : smi.kind === 'missing'
          ? 'The NVIDIA driver is not installed, so Offhours cannot use this card yet.'
          : 'The NVIDIA driver did not report this card.';
  } else if (isIntegrated(controller, vendor)) {
    reason = 'Built-in graphics: used for the WebGPU benchmark only, not for paid jobs.';
  } else {
    reason = 'Paid jobs need CUDA, which only NVIDIA cards have. This card can still run the WebGPU benchmark.';
  }
  // Windows WMI caps VRAM at 4 GB, so an NVIDIA size only ever comes from nvidia-smi; shared memory is not VRAM.
  const vram = vendor === 'nvidia' || controller.vramDynamic || !controller.vramMiB || controller.vramMiB <= 0 ? null : Math.round(controller.vramMiB);
  return {
    id: busId ?? `gpu-${position}`,
    vendor,
    name: controller.model.trim() || `${controller.vendor} graphics`,
    busId,
    vramTotalMiB: vram,
    vramFreeMiB: null,
    driverVersion: controller.driverVersion,
    cudaVersion: null,
    computeCapability: null,
    temperatureC: null,
    powerDrawW: null,
    powerLimitW: null,
    utilizationPct: null,
    pcieGen: null,
    pcieWidth: null,
    sources: ['systeminformation'],
    supported: false,
    unsupportedReason: reason,
  };
}

export interface InventoryInput {
  smi: NvidiaSmiReport;
  controllers: GraphicsController[];
  now: Date;
}

/**
 * Merges nvidia-smi's cards with the OS's display controllers (by PCI bus id, then NVIDIA controllers in
 * order for the ones without a usable address, as on Windows and WSL2), decides which cards can take paid
 * work, and explains the outcome in plain words. Pure; never throws.
 */
export function buildInventory({ smi, controllers, now }: InventoryInput): GpuInventory {
  const real = controllers.filter(isRealGpu).map((controller) => ({ controller, vendor: vendorOf(controller), used: false }));
  const cards = smi.kind === 'ok' ? smi.cards : [];
  const gpus: Gpu[] = [];

  const pairs = cards.map((card) => {
    const byBus = card.busId ? real.find((entry) => !entry.used && normalizeBusId(entry.controller.busAddress) === card.busId) : undefined;
    if (byBus) byBus.used = true;
    return { card, entry: byBus ?? null };
  });
  for (const pair of pairs) {
    if (pair.entry) continue;
    const next = real.find((entry) => !entry.used && entry.vendor === 'nvidia');
    if (next) {
      next.used = true;
      pair.entry = next;
    }
  }
  for (const pair of pairs) gpus.push(fromNvidiaCard(pair.card, pair.entry?.controller ?? null, smi.kind === 'ok' ? smi.cudaVersion : null));
  real.forEach((entry, position) => {
    if (!entry.used) gpus.push(fromController(entry.controller, entry.vendor, position, smi));
  });

  const detectedAt = now.toISOString();
  const nvidiaSeen = gpus.some((gpu) => gpu.vendor === 'nvidia');
  if (smi.kind === 'error' && (smi.problem !== 'no-devices' || nvidiaSeen)) {
    const problem = describeDriverProblem(smi.problem);
    const detail = smi.problem === 'garbled' || smi.problem === 'failed' ? ` (${smi.detail})` : '';
    return { status: 'driver-error', gpus, reason: `${problem.reason}${detail}`, nextStep: problem.nextStep, detectedAt };
  }
  if (smi.kind === 'missing' && nvidiaSeen) {
    const name = gpus.find((gpu) => gpu.vendor === 'nvidia')?.name ?? 'an NVIDIA card';
    return {
      status: 'no-driver',
      gpus,
      reason: `Found ${name}, but the NVIDIA driver is not installed (nvidia-smi is missing).`,
      nextStep: 'Install the latest NVIDIA driver from nvidia.com/drivers (on Linux, your distribution\'s nvidia-driver package), restart the computer, then scan again.',
      detectedAt,
    };
  }
  if (gpus.length === 0) {
    return {
      status: 'no-gpu',
      gpus,
      reason: 'Offhours found no graphics card and no NVIDIA driver on this computer.',
      nextStep: 'If this PC has an NVIDIA card, install the latest NVIDIA driver from nvidia.com/drivers and scan again. Virtual machines and containers need the card passed through to them.',
      detectedAt,
    };
  }
  if (gpus.some((gpu) => gpu.supported)) return { status: 'ok', gpus, reason: null, nextStep: null, detectedAt };
  const firstNvidia = gpus.find((gpu) => gpu.vendor === 'nvidia');
  return {
    status: 'unsupported',
    gpus,
    reason: firstNvidia
      ? `None of your graphics cards can take paid jobs yet. ${firstNvidia.name}: ${firstNvidia.unsupportedReason ?? 'not supported'}`
      : 'None of your graphics cards can take paid jobs: they need CUDA, which only NVIDIA cards have.',
    nextStep: PAID_WORK_NEEDS,
    detectedAt,
  };
}
