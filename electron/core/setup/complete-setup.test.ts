import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../protocol/errors.js';
import { applySettingsPatch, defaultSettings } from '../../../protocol/settings.js';
import { presetSchedule } from '../../../protocol/setup.js';
import { completeSetup } from './complete-setup.js';
import { memorySettings as memory } from './test-support/memory-settings.js';

const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const clock = { now: () => Date.UTC(2026, 4, 1, 20, 30) };

describe('completeSetup', () => {
  it('applies the preset and records completion in one write', () => {
    const settings = memory(applySettingsPatch(defaultSettings(), { wallet: { payoutAddress: ADDRESS } }));
    const after = completeSetup(settings, { schedulePreset: 'always' }, clock);
    expect(after.schedule).toMatchObject(presetSchedule('always'));
    expect(after.setup).toEqual({ completedAt: '2026-05-01T20:30:00.000Z', skippedAt: null, schedulePreset: 'always' });
    expect(settings.writes()).toBe(1);
    expect(after.general.launchAtLogin).toBe(false);
  });

  it('turns on starting at sign-in in the same write when the owner ticked it, and leaves it alone otherwise', () => {
    const settings = memory(applySettingsPatch(defaultSettings(), { wallet: { payoutAddress: ADDRESS } }));
    expect(completeSetup(settings, { schedulePreset: 'away', launchAtLogin: true }, clock).general.launchAtLogin).toBe(true);
    expect(settings.writes()).toBe(1);
    expect(completeSetup(settings, { schedulePreset: 'away' }, clock).general.launchAtLogin).toBe(true);
  });

  it.each([
    ['no payout wallet', null, /needs a payout wallet/],
    ['a hand-edited address Solana cannot pay', 'not-an-address', /not a Solana address/],
  ])('refuses with %s, in plain words with what to do, and changes nothing', (_label, payoutAddress, message) => {
    const settings = memory({ ...defaultSettings(), wallet: { payoutAddress } });
    const refusal = (() => {
      try {
        completeSetup(settings, { schedulePreset: 'nights' }, clock);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(UserFacingError);
    expect((refusal as UserFacingError).message).toMatch(message);
    expect((refusal as UserFacingError).nextStep).toMatch(/create a wallet on this PC/);
    expect(settings.writes()).toBe(0);
    expect(settings.get().setup.completedAt).toBeNull();
  });
});
