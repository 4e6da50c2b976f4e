/**
 * Plain words and numbers for the network slice, shared by `offhours network` and the Dashboard's Network card
 * so both say the same thing. Pure.
 */
import type { NetworkInfo, ProviderStanding } from './network.js';
import type { NetworkSlice } from './state.js';

/** Base units as a decimal amount: "1234500", 6 decimals → "1.2345". Integers only, never a float. */
export function formatBaseUnits(baseUnits: string, decimals: number): string {
  if (!/^\d+$/.test(baseUnits)) return baseUnits;
  const padded = baseUnits.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, '');
  const fraction = decimals > 0 ? padded.slice(padded.length - decimals).replace(/0+$/, '') : '';
  return fraction ? `${whole}.${fraction}` : whole;
}

export function formatRate(ratePerHour: string | null, network: NetworkInfo | null): string {
  if (ratePerHour === null) return 'not set yet — it follows the benchmark the network times';
  if (!network) return `${ratePerHour} base units per hour of work`;
  return `${formatBaseUnits(ratePerHour, network.tokenDecimals)} ${network.tokenSymbol} per hour of work`;
}

/** Milli-GFLOPS → "12.3 GFLOPS" (or TFLOPS above 1000 GFLOPS). */
export function formatThroughput(milliGflops: number | null): string {
  if (milliGflops === null) return 'not measured yet';
  const gflops = milliGflops / 1000;
  return gflops >= 1000 ? `${(gflops / 1000).toFixed(1)} TFLOPS` : `${gflops.toFixed(gflops >= 100 ? 0 : 1)} GFLOPS`;
}

/** "Local test network — its tokens have no value", or the network's name, or the URL before we know it. */
export function networkLabel(slice: Pick<NetworkSlice, 'mode' | 'url' | 'network'>): string {
  if (slice.network) return slice.network.tokenHasValue ? slice.network.name : `${slice.network.name} — its tokens have no value`;
  if (slice.mode === 'embedded') return 'Local test network — its tokens have no value';
  if (slice.mode === 'off') return 'none';
  return slice.url ?? 'unknown';
}

export function describeBenchmark(standing: ProviderStanding | null): string {
  const bench = standing?.benchmark;
  if (!bench || bench.state === 'none') return 'not run yet — the network times one right after it enrols this PC';
  if (bench.state === 'running') return 'running now (the network times it)';
  if (bench.state === 'failed') return `failed${bench.failureReason ? ` (${bench.failureReason})` : ''}${bench.message ? `: ${bench.message}` : ''} — the network tries again later`;
  return `passed${bench.demo ? ' at the demo rate (software graphics, no real GPU)' : ''}`;
}

/** What the owner can do about the link's state; null when nothing is needed. */
export function networkNextStep(slice: NetworkSlice): string | null {
  switch (slice.connection) {
    case 'off':
      return 'Set network.coordinator to "embedded" (the local test network) or a coordinator URL, then restart Offhours.';
    case 'unreachable':
      return slice.mode === 'embedded'
        ? 'Nothing to do: Offhours restarts the local test network and reconnects by itself. Your schedule and any running job carry on.'
        : 'Nothing to do unless this lasts: Offhours reconnects by itself and your schedule and any running job carry on. If it persists, check your internet connection or the coordinator address in Settings.';
    case 'refused':
      return 'Update Offhours, or check the coordinator address in Settings; if it persists, ask the network operator.';
    case 'starting':
    case 'connecting':
      return null;
    case 'connected':
      return slice.standing?.benchmark.state === 'failed' ? 'Close games and heavy programs; the network re-runs the timed benchmark when this PC is idle.' : null;
  }
}
