import { describeBenchmark, formatRate, formatThroughput, networkLabel, networkNextStep } from '../../../../protocol/network-format.js';
import type { NetworkSlice } from '../../../../protocol/state.js';

export interface NetworkCardView {
  tone: 'ok' | 'info' | 'bad' | 'muted';
  badge: string;
  headline: string;
  nextStep: string | null;
  network: string;
  facts: Array<{ id: string; label: string; value: string }>;
}

const BADGE: Record<NetworkSlice['connection'], [NetworkCardView['tone'], string]> = {
  off: ['muted', 'Off'],
  starting: ['info', 'Starting'],
  connecting: ['info', 'Connecting'],
  connected: ['ok', 'Connected'],
  unreachable: ['bad', 'Unreachable'],
  refused: ['bad', 'Refused'],
};

/** The headline counts down to the next try instead of freezing at the number it was pushed with. */
function headline(slice: NetworkSlice, nowMs: number): string {
  if (slice.connection !== 'unreachable' || !slice.nextRetryAt) return slice.message;
  const seconds = Math.ceil((Date.parse(slice.nextRetryAt) - nowMs) / 1000);
  return seconds > 0 ? `Network unreachable, retrying in ${seconds} s` : 'Network unreachable, retrying now…';
}

/** What the Dashboard's Network card shows for a slice at a moment. Pure. */
export function networkCardView(slice: NetworkSlice, nowMs: number): NetworkCardView {
  const [tone, badge] = BADGE[slice.connection];
  const standing = slice.standing;
  const facts =
    slice.mode === 'off'
      ? []
      : [
          { id: 'provider', label: 'Your provider id', value: slice.providerId ?? 'not enrolled yet' },
          { id: 'benchmark', label: 'Speed test', value: describeBenchmark(standing) },
          { id: 'throughput', label: 'Measured speed', value: formatThroughput(standing?.benchmark.throughputMilliGflops ?? null) },
          { id: 'rate', label: 'You earn', value: formatRate(standing?.ratePerHour ?? null, slice.network) },
          { id: 'reputation', label: 'Reputation', value: standing ? `${standing.reputation.score} / 1000` : 'after enrolment' },
        ];
  return { tone, badge, headline: headline(slice, nowMs), nextStep: networkNextStep(slice), network: networkLabel(slice), facts };
}
