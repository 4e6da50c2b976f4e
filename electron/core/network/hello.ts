import type { GpuInventory } from '../../../protocol/gpu.js';
import { NETWORK_PROTOCOL_VERSION, PayoutAddressSchema, type GpuClaim, type HelloBody } from '../../../protocol/network.js';
import type { Settings } from '../../../protocol/settings.js';

export type BenchBackend = HelloBody['backends'][number];

/** The cards we offer: only those the network can send paid work to (at most what the wire allows). */
export function gpuClaims(inventory: GpuInventory | null): GpuClaim[] {
  return (inventory?.gpus ?? [])
    .filter((gpu) => gpu.supported)
    .slice(0, 16)
    .map((gpu) => ({ name: gpu.name.slice(0, 200) || 'Unknown GPU', vendor: gpu.vendor, vramMiB: gpu.vramTotalMiB }));
}

/** WebGPU runs everywhere (SwiftShader at worst); CUDA only with an NVIDIA card the driver sees. */
export function backendsFor(inventory: GpuInventory | null): BenchBackend[] {
  return inventory?.gpus.some((gpu) => gpu.vendor === 'nvidia' && gpu.supported && gpu.driverVersion) ? ['webgpu', 'cuda'] : ['webgpu'];
}

/** A wallet that is not a valid Solana address yet is sent as "" (none), never as garbage the coordinator refuses. */
export function payoutAddressFrom(settings: Settings): string {
  const address = settings.wallet.payoutAddress ?? '';
  return PayoutAddressSchema.safeParse(address).success ? address : '';
}

export interface HelloInputs {
  coordinatorNonce: string;
  devicePublicKey: string;
  settings: Settings;
  inventory: GpuInventory | null;
  appVersion: string;
  resumeSessionId: string | null;
  runningJobIds: string[];
}

export function helloBody(input: HelloInputs): HelloBody {
  return {
    protocolVersion: NETWORK_PROTOCOL_VERSION,
    coordinatorNonce: input.coordinatorNonce,
    devicePublicKey: input.devicePublicKey,
    payoutAddress: payoutAddressFrom(input.settings),
    gpus: gpuClaims(input.inventory),
    minPricePerGpuHour: input.settings.network.minPricePerGpuHour,
    appVersion: input.appVersion.slice(0, 50),
    resumeSessionId: input.resumeSessionId,
    backends: backendsFor(input.inventory),
    runningJobIds: input.runningJobIds.slice(0, 8),
  };
}
