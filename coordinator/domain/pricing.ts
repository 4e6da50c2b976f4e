/**
 * What a provider earns per hour of work, from the throughput the coordinator measured itself (never from a
 * model name). Integers only: base units of the payout token, bigint maths, rounded down.
 */

/**
 * The network's reference price for one TFLOPS sustained for one hour, in base units of a 9-decimal token
 * (4,000,000 = 0.004 token). At this price a GPU measured at 80 TFLOPS earns 0.32 token an hour, about what
 * such a card rents for.
 */
export const REFERENCE_PRICE_PER_TFLOP_HOUR = 4_000_000n;

/**
 * What a software adapter (SwiftShader…) earns per hour on the local test network: a fixed demo rate that
 * (0.001 token) makes the whole loop visible without pretending a CPU rasteriser is worth renting.
 */
export const SOFTWARE_ADAPTER_DEMO_RATE_PER_HOUR = 1_000_000n;

const MILLI_GFLOPS_PER_TFLOPS = 1_000_000n;

export interface PricingInput {
  /** Coordinator-measured GEMM throughput, null until a timed run passed. */
  throughputMilliGflops: number | null;
  /** The measurement came from a software adapter. */
  demo: boolean;
}

/** Base units per hour of work; null until the provider passed a timed benchmark. */
export function ratePerHour(input: PricingInput, referencePricePerTflopHour: bigint = REFERENCE_PRICE_PER_TFLOP_HOUR): bigint | null {
  if (input.throughputMilliGflops === null) return null;
  if (!Number.isSafeInteger(input.throughputMilliGflops) || input.throughputMilliGflops < 0) {
    throw new Error(`throughput must be a whole, non-negative number of milli-GFLOPS (got ${input.throughputMilliGflops})`);
  }
  if (referencePricePerTflopHour < 0n) throw new Error('the reference price cannot be negative');
  if (input.demo) return SOFTWARE_ADAPTER_DEMO_RATE_PER_HOUR;
  return (BigInt(input.throughputMilliGflops) * referencePricePerTflopHour) / MILLI_GFLOPS_PER_TFLOPS;
}
