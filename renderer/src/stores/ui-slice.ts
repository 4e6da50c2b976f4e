import type { StateCreator } from 'zustand';
import type { ConnectionStatus } from '../api/connection.js';
import type { AppStore } from './app-store.js';

export const PAGES = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'gpus', label: 'GPUs & Benchmark' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'earnings', label: 'Earnings' },
  { id: 'wallet', label: 'Wallet' },
  { id: 'settings', label: 'Settings' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return PAGES.find((page) => page.id === id)?.id ?? 'dashboard';
}

export interface UiSlice {
  page: PageId;
  connection: ConnectionStatus | 'connecting';
  /** The last failed action, shown as a dismissible banner with its next step. */
  lastError: { message: string; nextStep: string | null } | null;
  goTo(page: PageId): void;
  setConnection(status: ConnectionStatus): void;
  showError(error: unknown): void;
  clearError(): void;
}

export function errorToBanner(error: unknown): { message: string; nextStep: string | null } {
  if (error && typeof error === 'object' && 'message' in error) {
    const nextStep = 'nextStep' in error && typeof error.nextStep === 'string' ? error.nextStep : null;
    return { message: String(error.message), nextStep };
  }
  return { message: String(error), nextStep: null };
}

export const createUiSlice: StateCreator<AppStore, [], [], UiSlice> = (set) => ({
  page: 'dashboard',
  connection: 'connecting',
  lastError: null,
  // Following a link leaves the wizard; the dashboard brings it back while setup is not done (App).
  goTo: (page) => set({ page, setupOpen: false }),
  setConnection: (connection) => set({ connection }),
  showError: (error) => set({ lastError: errorToBanner(error) }),
  clearError: () => set({ lastError: null }),
});
