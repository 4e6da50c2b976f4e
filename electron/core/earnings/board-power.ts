/**
 * What a GPU probably draws while it works flat out, for when nothing measured it (no nvidia-smi, or no job ran
 * yet). Every figure here is an estimate and is shown as one.
 */
import type { Gpu, GpuVendor } from '../../../protocol/gpu.js';
import { matchSpec } from '../../../protocol/bench/spec-table.js';

/**
 * Typical board power in watts per protocol/bench/spec-table.ts row: NVIDIA's "Total Graphics Power" and AMD's
 * "Total Board Power" on the vendors' reference/Founders Edition spec pages (datacenter parts: the datasheet's max
 * TDP). Partner cards with factory overclocks draw more; a compute job may draw less than a game. Apple publishes
 * no figure, so Apple chips fall back to the vendor default.
 */
export const TYPICAL_BOARD_POWER_W: Readonly<Record<string, number>> = {
  'rtx-2060': 160, 'rtx-2060-super': 175, 'rtx-2070': 175, 'rtx-2070-super': 215, 'rtx-2080': 215, 'rtx-2080-super': 250, 'rtx-2080-ti': 250, 'titan-rtx': 280,
  'gtx-1650': 75, 'gtx-1650-gddr6': 75,
  'rtx-3050-6gb': 70, 'rtx-3050': 130, 'rtx-3060-8gb': 170, 'rtx-3060': 170, 'rtx-3060-ti': 200, 'rtx-3060-ti-gddr6x': 200, 'rtx-3070': 220, 'rtx-3070-ti': 290, 'rtx-3080': 320, 'rtx-3080-12gb': 350, 'rtx-3080-ti': 350, 'rtx-3090': 350, 'rtx-3090-ti': 450,
  'rtx-4060': 115, 'rtx-4060-ti': 160, 'rtx-4060-ti-16gb': 165, 'rtx-4070': 200, 'rtx-4070-super': 220, 'rtx-4070-ti': 285, 'rtx-4070-ti-super': 285, 'rtx-4080': 320, 'rtx-4080-super': 320, 'rtx-4090': 450,
  'rtx-5060': 145, 'rtx-5060-ti': 180, 'rtx-5070': 250, 'rtx-5070-ti': 300, 'rtx-5080': 360, 'rtx-5090': 575,
  'h100-sxm': 700, 'h100-pcie': 350, 'h100-nvl': 400,
  'rx-6600': 132, 'rx-6600-xt': 160, 'rx-6650-xt': 180, 'rx-6700-xt': 230, 'rx-6750-xt': 250, 'rx-6800': 250, 'rx-6800-xt': 300, 'rx-6900-xt': 300, 'rx-6950-xt': 335,
  'rx-7600': 165, 'rx-7600-xt': 190, 'rx-7700-xt': 245, 'rx-7800-xt': 263, 'rx-7900-gre': 260, 'rx-7900-xt': 315, 'rx-7900-xtx': 355,
};

/** A mid-range card of each vendor (Apple: a large M-series GPU); 'other' has no sensible guess. */
export const VENDOR_DEFAULT_POWER_W: Readonly<Record<GpuVendor, number | null>> = { nvidia: 200, amd: 200, intel: 150, apple: 40, other: null };
const VENDOR_NAMES: Readonly<Record<GpuVendor, string>> = { nvidia: 'NVIDIA', amd: 'AMD', intel: 'Intel', apple: 'Apple', other: 'other' };

export interface PowerEstimate {
  watts: number;
  /** Plain words for the owner, always saying it is an estimate. */
  basis: string;
}

/**
 * The best guess for one GPU, most specific first: the power limit its driver enforces (nvidia-smi power.limit,
 * which a saturated compute job runs up against), the model's typical board power, then the vendor default.
 */
export function estimateGpuPower(gpu: Pick<Gpu, 'vendor' | 'name' | 'vramTotalMiB' | 'powerLimitW'>): PowerEstimate | null {
  if (gpu.powerLimitW !== null && gpu.powerLimitW > 0) return { watts: Math.round(gpu.powerLimitW), basis: `estimate: the ${gpu.name}'s power limit` };
  const spec = matchSpec({ name: gpu.name, memoryBytes: gpu.vramTotalMiB === null ? null : gpu.vramTotalMiB * 1024 * 1024 });
  const typical = spec ? TYPICAL_BOARD_POWER_W[spec.id] : undefined;
  if (spec && typical !== undefined) return { watts: typical, basis: `estimate: typical board power of the ${spec.name}` };
  const fallback = VENDOR_DEFAULT_POWER_W[gpu.vendor];
  return fallback === null ? null : { watts: fallback, basis: `estimate: a typical ${VENDOR_NAMES[gpu.vendor]} GPU (this model's power is not known)` };
}
