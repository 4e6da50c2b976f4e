import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { ProviderApi } from '../../../protocol/api.js';
import { createProviderSlice, type ProviderSlice } from './provider-slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.js';
import { createSetupSlice, type SetupSlice } from './setup-slice.js';
import { createTickerSlice, type TickerSlice } from './ticker-slice.js';
import { createUiSlice, type UiSlice } from './ui-slice.js';

export type AppStore = ProviderSlice & UiSlice & SettingsSlice & SetupSlice & TickerSlice & { api: ProviderApi };

/** One store per window, built from slices; the API is injected so tests can pass an in-memory one. */
export function createAppStore(api: ProviderApi): StoreApi<AppStore> {
  return createStore<AppStore>()((...args) => ({
    api,
    ...createProviderSlice(...args),
    ...createUiSlice(...args),
    ...createSettingsSlice(...args),
    ...createSetupSlice(...args),
    ...createTickerSlice(...args),
  }));
}

export const AppStoreContext = createContext<StoreApi<AppStore> | null>(null);

export function useApp<T>(selector: (store: AppStore) => T): T {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useApp must be used inside <AppStoreContext.Provider>');
  return useStore(store, selector);
}
