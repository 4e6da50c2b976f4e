import type { StateCreator } from 'zustand';
import type { EarningsTick } from '../../../protocol/earnings-stats.js';
import type { AppStore } from './app-store.js';

export interface TickerSlice {
  /** The newest live earnings tick core pushed (every second while a paid job runs); null before the first. */
  tick: EarningsTick | null;
  applyTick(tick: EarningsTick): void;
}

/** Keeps the newest tick: one that arrives late (older `at`) never moves the figures backwards. */
export function reduceTick(current: EarningsTick | null, incoming: EarningsTick): EarningsTick {
  if (current && Date.parse(incoming.at) < Date.parse(current.at)) return current;
  return incoming;
}

export const createTickerSlice: StateCreator<AppStore, [], [], TickerSlice> = (set) => ({
  tick: null,
  applyTick: (tick) => set((store) => ({ tick: reduceTick(store.tick, tick) })),
});
