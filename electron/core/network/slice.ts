import type { NetworkInfo } from '../../../protocol/network.js';
import { initialNetworkSlice, type NetworkSlice } from '../../../protocol/state.js';
import type { CoordinatorChoice } from '../../../protocol/settings.js';

/** Which network this session joins: settings.network.coordinator, unless `--network` overrides it. */
export type NetworkTarget = { kind: 'off' } | { kind: 'embedded' } | { kind: 'remote'; url: string };

export function targetFor(choice: CoordinatorChoice): NetworkTarget {
  if (choice === 'off') return { kind: 'off' };
  if (choice === 'embedded') return { kind: 'embedded' };
  return { kind: 'remote', url: choice.replace(/\/+$/, '') };
}

export function wsUrlFor(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/^http/i, 'ws').replace(/\/+$/, '')}${path}`;
}

/** Plain words for each connection state; every one that is not "connected" says what happens or what to do next. */
export const SLICE_WORDS = {
  off: 'Not connected to any network, so no paid jobs arrive. Choose a network in Settings → Network to start earning.',
  starting: 'Starting the local test network…',
  connecting: (url: string) => `Connecting to ${url}…`,
  connected: (network: NetworkInfo | null) => `Connected to ${network?.name ?? 'the network'}`,
  unreachable: (seconds: number) => `Network unreachable, retrying in ${seconds} s`,
  refused: (message: string) => `The network refused this PC: ${message}`,
  embeddedDown: (seconds: number) => `The local test network stopped; restarting it in ${seconds} s`,
} as const;

export function startingSlice(target: NetworkTarget): NetworkSlice {
  const mode = target.kind;
  const slice = initialNetworkSlice(mode);
  if (target.kind === 'off') return { ...slice, message: SLICE_WORDS.off };
  if (target.kind === 'remote') return { ...slice, url: target.url, connection: 'connecting', message: SLICE_WORDS.connecting(target.url) };
  return { ...slice, message: SLICE_WORDS.starting };
}

/** The link dropped (or never came up): say so, and when the next try is. Keeps what we knew (network, provider id, standing). */
export function unreachableSlice(slice: NetworkSlice, nowMs: number, delayMs: number, refusedBecause: string | null): NetworkSlice {
  const seconds = Math.max(1, Math.ceil(delayMs / 1000));
  return {
    ...slice,
    connection: refusedBecause ? 'refused' : 'unreachable',
    message: refusedBecause ? `${SLICE_WORDS.refused(refusedBecause)}. Retrying in ${seconds} s.` : SLICE_WORDS.unreachable(seconds),
    nextRetryAt: new Date(nowMs + delayMs).toISOString(),
    enrolled: false,
    sessionId: null,
  };
}
