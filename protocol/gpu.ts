import { z } from 'zod';

export const GpuVendorSchema = z.enum(['nvidia', 'amd', 'intel', 'apple', 'other']);
export type GpuVendor = z.infer<typeof GpuVendorSchema>;

/** One graphics card as the app knows it, merged from every source that saw it. */
export const GpuSchema = z.object({
  /** NVIDIA UUID where known, else the PCI bus id, else a positional id. Stable across runs. */
  id: z.string(),
  vendor: GpuVendorSchema,
  name: z.string(),
  busId: z.string().nullable(),
  vramTotalMiB: z.number().int().nonnegative().nullable(),
  vramFreeMiB: z.number().int().nonnegative().nullable(),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  computeCapability: z.string().nullable(),
  temperatureC: z.number().nullable(),
  powerDrawW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  utilizationPct: z.number().nullable(),
  pcieGen: z.number().int().nullable(),
  pcieWidth: z.number().int().nullable(),
  sources: z.array(z.enum(['nvidia-smi', 'systeminformation'])),
  /** Whether the network can send this card paid work, and if not, why in plain words. */
  supported: z.boolean(),
  unsupportedReason: z.string().nullable(),
});
export type Gpu = z.infer<typeof GpuSchema>;

export const GpuInventoryStatusSchema = z.enum(['ok', 'no-gpu', 'no-driver', 'driver-error', 'unsupported']);
export type GpuInventoryStatus = z.infer<typeof GpuInventoryStatusSchema>;

export const GpuInventorySchema = z.object({
  status: GpuInventoryStatusSchema,
  gpus: z.array(GpuSchema),
  /** Why there is nothing usable, in one sentence; null when status is ok. */
  reason: z.string().nullable(),
  /** What the owner can do about it; null when status is ok. */
  nextStep: z.string().nullable(),
  detectedAt: z.string(),
});
export type GpuInventory = z.infer<typeof GpuInventorySchema>;
