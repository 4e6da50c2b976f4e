/**
 * The two raw sources GPU detection reads, as ports in our own types. Adapters:
 * electron/core/adapters/nvidia-smi.ts (NvidiaSmiSource) and electron/core/adapters/si-graphics.ts
 * (GraphicsControllerSource). Tests feed recorded outputs from ./fixtures instead.
 */

/** The columns we ask nvidia-smi for, in order. */
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'name',
  'uuid',
  'pci.bus_id',
  'memory.total',
  'memory.free',
  'driver_version',
  'compute_cap',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'utilization.gpu',
  'pcie.link.gen.current',
  'pcie.link.width.current',
] as const;

/** Drivers older than ~510 do not know compute_cap; the adapter retries with this list. */
export const NVIDIA_QUERY_FIELDS_LEGACY = NVIDIA_QUERY_FIELDS.filter((field) => field !== 'compute_cap');

export type NvidiaQueryField = (typeof NVIDIA_QUERY_FIELDS)[number];

/** What running nvidia-smi produced, before any interpretation. */
export type NvidiaSmiOutcome =
  /** No nvidia-smi on this machine (ENOENT): no NVIDIA driver installed. */
  | { kind: 'missing' }
  | { kind: 'timeout'; seconds: number }
  | {
      kind: 'exited';
      exitCode: number;
      /** The fields the query asked for, in column order. */
      fields: readonly string[];
      stdout: string;
      stderr: string;
      /** Output of plain `nvidia-smi` (the table header carries the CUDA version); null when not run. */
      header: string | null;
    };

export interface NvidiaSmiSource {
  query(): Promise<NvidiaSmiOutcome>;
}

/** One display controller as the operating system lists it (systeminformation, every vendor). */
export interface GraphicsController {
  vendor: string;
  /** PCI vendor id in lower-case hex without 0x ('10de'), when known. */
  vendorId: string | null;
  model: string;
  /** PCI address in whatever form the OS gave it ('01:00.0', '0000:01:00.0', '00000000:01:00.0'). */
  busAddress: string | null;
  /** VRAM in MiB as the OS reports it; not trusted for NVIDIA (Windows WMI caps it at 4 GB). */
  vramMiB: number | null;
  /** True when the memory is shared with the CPU (integrated graphics). */
  vramDynamic: boolean;
  driverVersion: string | null;
}

export interface GraphicsControllerSource {
  list(): Promise<GraphicsController[]>;
}
