import type { StateCreator } from 'zustand';
import type { ProviderState } from '../../../protocol/state.js';
import type { AppStore } from './app-store.js';

export interface ProviderSlice {
  /** The mirror of core's truth; null until the first snapshot arrives. */
  provider: ProviderState | null;
  applySnapshot(snapshot: ProviderState): void;
}

/** Keeps the newest snapshot: an older revision arriving late (HTTP reply after a push) is ignored. */
export function reduceSnapshot(current: ProviderState | null, incoming: ProviderState): ProviderState {
  if (current && incoming.revision < current.revision) return current;
  return incoming;
}

export const createProviderSlice: StateCreator<AppStore, [], [], ProviderSlice> = (set) => ({
  provider: null,
  applySnapshot: (snapshot) => set((store) => ({ provider: reduceSnapshot(store.provider, snapshot) })),
});

export const selectGpus = (store: AppStore) => store.provider?.gpus ?? null;
// A shared empty list: a fresh [] per call would look like a change to React on every render.
const NO_NOTICES: ProviderState['notices'] = [];
export const selectNotices = (store: AppStore) => store.provider?.notices ?? NO_NOTICES;
