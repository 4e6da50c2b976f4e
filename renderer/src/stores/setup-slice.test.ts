import { describe, expect, it } from 'vitest';
import { applySettingsPatch, defaultSettings } from '../../../protocol/settings.js';
import { createAppStore } from './app-store.js';
import { memoryApi } from './test-support/memory-api.js';
import { canVisitStep, nextSetupStep, previousSetupStep, selectWizardShown } from './setup-slice.js';

describe('setup steps', () => {
  it('walk forward and back within cards … done', () => {
    expect(nextSetupStep('cards')).toBe('bench');
    expect(nextSetupStep('schedule')).toBe('done');
    expect(nextSetupStep('done')).toBe('done');
    expect(previousSetupStep('wallet')).toBe('bench');
    expect(previousSetupStep('cards')).toBe('cards');
  });

  it('the indicator reaches back to any step reached, never ahead', () => {
    expect(canVisitStep('cards', 'wallet')).toBe(true);
    expect(canVisitStep('wallet', 'wallet')).toBe(true);
    expect(canVisitStep('schedule', 'wallet')).toBe(false);
  });
});

describe('setup slice', () => {
  it('the wizard takes the dashboard’s place until setup is done or put off, and shows where it was opened', async () => {
    const { api } = memoryApi();
    const store = createAppStore(api);
    expect(selectWizardShown(store.getState())).toBe(false); // settings not loaded yet: no flash of the wizard
    await store.getState().loadSettings();
    expect(selectWizardShown(store.getState())).toBe(true);
    store.getState().goTo('schedule');
    expect(selectWizardShown(store.getState())).toBe(false);
    store.getState().openSetup();
    expect(selectWizardShown(store.getState())).toBe(true);
    store.getState().goTo('dashboard');
    await store.getState().skipSetup();
    expect(store.getState().settings?.setup.skippedAt).not.toBeNull();
    expect(selectWizardShown(store.getState())).toBe(false);
  });

  it('remembers the furthest step; finishing shows the done screen even though setup no longer needs doing', async () => {
    const { api, settings } = memoryApi(applySettingsPatch(defaultSettings(), { wallet: { payoutAddress: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T' } }));
    const store = createAppStore(api);
    await store.getState().loadSettings();
    store.getState().showSetupStep('wallet');
    store.getState().showSetupStep('bench');
    expect(store.getState()).toMatchObject({ setupStep: 'bench', setupReached: 'wallet' });
    expect(await store.getState().completeSetup('nights')).toBeNull();
    expect(settings().setup).toMatchObject({ schedulePreset: 'nights' });
    expect(store.getState()).toMatchObject({ setupStep: 'done', setupReached: 'done', setupOpen: true });
    expect(store.getState().settings?.setup.completedAt).toBe('2026-05-01T20:00:00.000Z');
    expect(selectWizardShown(store.getState())).toBe(true);
    store.getState().closeSetup();
    expect(selectWizardShown(store.getState())).toBe(false);
  });

  it('a refused finish comes back as words to show beside the button, and nothing moves on', async () => {
    const store = createAppStore(memoryApi().api);
    await store.getState().loadSettings();
    store.getState().showSetupStep('schedule');
    expect(await store.getState().completeSetup('away')).toBe('Setup needs a payout wallet before it can finish. Paste your Solana address.');
    expect(store.getState().setupStep).toBe('schedule');
    expect(store.getState().settings?.setup.completedAt).toBeNull();
  });
});
