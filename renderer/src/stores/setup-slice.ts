import type { StateCreator } from 'zustand';
import { needsSetup, type SchedulePreset } from '../../../protocol/setup.js';
import type { AppStore } from './app-store.js';
import { errorToBanner } from './ui-slice.js';

/** The wizard's four question steps, as its step indicator shows them; "done" follows them. */
export const SETUP_STEPS = [
  { id: 'cards', label: 'Your cards' },
  { id: 'bench', label: 'Benchmark' },
  { id: 'wallet', label: 'Payout wallet' },
  { id: 'schedule', label: 'When to earn' },
] as const;
export type SetupStepId = (typeof SETUP_STEPS)[number]['id'] | 'done';
const ORDER: readonly SetupStepId[] = [...SETUP_STEPS.map((step) => step.id), 'done'];

export function stepIndex(step: SetupStepId): number {
  return ORDER.indexOf(step);
}

/** The step after this one ("done" stays "done"). Pure. */
export function nextSetupStep(step: SetupStepId): SetupStepId {
  return ORDER[Math.min(stepIndex(step) + 1, ORDER.length - 1)]!;
}

/** The step before this one ("cards" stays "cards"). Pure. */
export function previousSetupStep(step: SetupStepId): SetupStepId {
  return ORDER[Math.max(stepIndex(step) - 1, 0)]!;
}

/** The step indicator lets the owner go back to any step already reached, never jump ahead. Pure. */
export function canVisitStep(step: SetupStepId, reached: SetupStepId): boolean {
  return stepIndex(step) <= stepIndex(reached);
}

export interface SetupSlice {
  /** The wizard is on screen because the owner opened it or moved through it (it also opens by itself, see App). */
  setupOpen: boolean;
  setupStep: SetupStepId;
  /** The furthest step reached in this window: every step up to it can be clicked in the indicator. */
  setupReached: SetupStepId;
  /** Opens the wizard at its first step ("Finish setup", "Run setup again"). */
  openSetup(): void;
  closeSetup(): void;
  showSetupStep(step: SetupStepId): void;
  /** "Skip for now": recorded in settings, so the wizard waits behind a "Finish setup" banner instead of opening by itself. */
  skipSetup(): Promise<void>;
  /** Finishes setup with this preset and shows the done screen; the refusal's words (no wallet yet) on failure. */
  completeSetup(preset: SchedulePreset, launchAtLogin?: boolean): Promise<string | null>;
}

export const createSetupSlice: StateCreator<AppStore, [], [], SetupSlice> = (set, get) => ({
  setupOpen: false,
  setupStep: 'cards',
  setupReached: 'cards',
  openSetup: () => set({ setupOpen: true, setupStep: 'cards' }),
  closeSetup: () => set({ setupOpen: false }),
  showSetupStep: (step) =>
    set((store) => ({
      // Moving through the wizard keeps it open, also once settings no longer say "not set up" (the done screen).
      setupOpen: true,
      setupStep: step,
      setupReached: stepIndex(step) > stepIndex(store.setupReached) ? step : store.setupReached,
    })),
  skipSetup: async () => {
    if (await get().saveSettings({ setup: { skippedAt: new Date().toISOString() } })) set({ setupOpen: false });
  },
  completeSetup: async (preset, launchAtLogin) => {
    try {
      // Open first: the new settings end "not set up", which alone kept the wizard on screen.
      set({ setupOpen: true });
      const settings = await get().api.completeSetup({ schedulePreset: preset, ...(launchAtLogin === undefined ? {} : { launchAtLogin }) });
      set({ settings });
      get().showSetupStep('done');
      return null;
    } catch (error) {
      const refusal = errorToBanner(error);
      return refusal.nextStep ? `${refusal.message} ${refusal.nextStep}` : refusal.message;
    }
  },
});

/** The wizard shows when opened, and by itself in place of the dashboard until setup is finished or put off. */
export function selectWizardShown(store: Pick<AppStore, 'setupOpen' | 'page' | 'settings'>): boolean {
  return store.setupOpen || (store.page === 'dashboard' && store.settings !== null && needsSetup(store.settings));
}
