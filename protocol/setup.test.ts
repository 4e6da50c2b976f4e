import { describe, expect, it } from 'vitest';
import { applySettingsPatch, defaultSettings, SettingsSchema, WEEK_CELLS } from './settings.js';
import type { BenchKernelSummary } from './bench/wgsl/api-schemas.js';
import type { Gpu, GpuInventory } from './gpu.js';
import { everyDayGrid, gpuStepSummary, quickBenchNotes, needsSetup, NIGHT_WINDOW_TEXT, presetOf, presetSchedule, PRESET_TEXT, SCHEDULE_PRESETS, setupCompletionPatch, setupPutOff } from './setup.js';

const hoursOn = (grid: string) => [...grid].filter((cell) => cell === '1').length / 2;
/** The 48 cells of one day (0 = Monday). */
const day = (grid: string, index: number) => grid.slice(index * 48, index * 48 + 48);

describe('schedule presets', () => {
  it('"When I’m away" allows every hour and waits for the owner to leave', () => {
    expect(presetSchedule('away')).toEqual({ weeklyGrid: '1'.repeat(WEEK_CELLS), allowWhileActive: false, dedicatedRig: false });
  });

  it('"Nights" allows 23:00–07:00 on every day of the week, still only while the owner is away', () => {
    const nights = presetSchedule('nights');
    expect(nights).toMatchObject({ allowWhileActive: false, dedicatedRig: false });
    // Cells are half-hours from 00:00: 14 on (00:00–07:00), 32 off (07:00–23:00), 2 on (23:00–24:00).
    for (let d = 0; d < 7; d++) expect(day(nights.weeklyGrid, d)).toBe('1'.repeat(14) + '0'.repeat(32) + '11');
    expect(hoursOn(nights.weeklyGrid)).toBe(56);
    expect(NIGHT_WINDOW_TEXT).toBe('23:00–07:00');
    expect(PRESET_TEXT.nights.description).toContain('23:00 to 07:00');
  });

  it('"Always" allows every hour while the owner uses the PC, without pretending it is a rig nobody uses', () => {
    expect(presetSchedule('always')).toEqual({ weeklyGrid: '1'.repeat(WEEK_CELLS), allowWhileActive: true, dedicatedRig: false });
  });

  it('every preset is different, valid, named and recognised again', () => {
    const seen = new Set(SCHEDULE_PRESETS.map((preset) => JSON.stringify(presetSchedule(preset))));
    expect(seen.size).toBe(3);
    for (const preset of SCHEDULE_PRESETS) {
      expect(() => applySettingsPatch(defaultSettings(), { schedule: presetSchedule(preset) })).not.toThrow();
      expect(presetOf(presetSchedule(preset))).toBe(preset);
      expect(PRESET_TEXT[preset].title.length).toBeGreaterThan(3);
    }
  });

  it('the defaults are "When I’m away"; rules changed on the Schedule page are no preset', () => {
    expect(presetOf(defaultSettings().schedule)).toBe('away');
    expect(presetOf({ ...presetSchedule('away'), dedicatedRig: true })).toBeNull();
    expect(presetOf({ ...presetSchedule('nights'), weeklyGrid: everyDayGrid(22, 7) })).toBeNull();
  });

  it('everyDayGrid covers the whole day for 0–24 and wraps past midnight', () => {
    expect(everyDayGrid(0, 24)).toBe('1'.repeat(WEEK_CELLS));
    expect(day(everyDayGrid(9, 17), 3)).toBe('0'.repeat(18) + '1'.repeat(16) + '0'.repeat(14));
  });
});

describe('finishing setup', () => {
  it('sets the preset’s rules and records when and which, keeping the owner’s other rules', () => {
    const before = applySettingsPatch(defaultSettings(), { schedule: { idleMinutes: 12, maxGpuTempC: 78 }, setup: { skippedAt: '2026-03-01T10:00:00.000Z' } });
    const after = applySettingsPatch(before, setupCompletionPatch('nights', '2026-03-02T21:15:00.000Z'));
    expect(after.schedule).toMatchObject({ ...presetSchedule('nights'), idleMinutes: 12, maxGpuTempC: 78 });
    expect(after.setup).toEqual({ completedAt: '2026-03-02T21:15:00.000Z', skippedAt: '2026-03-01T10:00:00.000Z', schedulePreset: 'nights' });
    expect(SettingsSchema.safeParse(after).success).toBe(true);
  });

  it('refuses a completion time that is not an ISO time', () => {
    expect(() => applySettingsPatch(defaultSettings(), setupCompletionPatch('away', 'yesterday'))).toThrow();
  });

  it('the wizard opens by itself until setup is finished or put off; put off, the dashboard offers it', () => {
    const fresh = defaultSettings();
    expect([needsSetup(fresh), setupPutOff(fresh)]).toEqual([true, false]);
    const skipped = applySettingsPatch(fresh, { setup: { skippedAt: '2026-03-01T10:00:00.000Z' } });
    expect([needsSetup(skipped), setupPutOff(skipped)]).toEqual([false, true]);
    const done = applySettingsPatch(skipped, setupCompletionPatch('always', '2026-03-02T10:00:00.000Z'));
    expect([needsSetup(done), setupPutOff(done)]).toEqual([false, false]);
  });
});

describe('the cards step in words', () => {
  const gpu = (name: string, supported: boolean): Gpu => ({
    id: name, vendor: 'nvidia', name, busId: null, vramTotalMiB: 8192, vramFreeMiB: 8000, driverVersion: '550.1', cudaVersion: '12.4', computeCapability: '8.6',
    temperatureC: 40, powerDrawW: 20, powerLimitW: 200, utilizationPct: 0, pcieGen: 4, pcieWidth: 16, sources: ['nvidia-smi'], supported, unsupportedReason: supported ? null : 'too old',
  });
  const inventory = (status: GpuInventory['status'], gpus: Gpu[], reason: string | null = null, nextStep: string | null = null): GpuInventory => ({ status, gpus, reason, nextStep, detectedAt: '2026-05-01T00:00:00.000Z' });

  it('names the cards that can earn', () => {
    expect(gpuStepSummary(inventory('ok', [gpu('RTX 3080', true), gpu('GTX 960', false)]))).toEqual({ canEarn: true, headline: 'Your card is ready for paid jobs: RTX 3080.', detail: null, nextStep: null });
    expect(gpuStepSummary(inventory('ok', [gpu('RTX 3080', true), gpu('RTX 4090', true)])).headline).toBe('2 cards are ready for paid jobs: RTX 3080, RTX 4090.');
  });

  it('says why none can, with the detector’s next step', () => {
    const none = gpuStepSummary(inventory('no-gpu', [], 'Offhours found no graphics card.', 'Install the driver.'));
    expect(none).toEqual({ canEarn: false, headline: 'No graphics card found', detail: 'Offhours found no graphics card.', nextStep: 'Install the driver.' });
    expect(gpuStepSummary(inventory('unsupported', [gpu('GTX 960', false)], 'Too old.', 'Use a newer card.')).headline).toBe('No card in this PC can take paid jobs yet');
    expect(gpuStepSummary(inventory('driver-error', [], 'Mismatch.', 'Restart.')).canEarn).toBe(false);
  });
});

const kernel = (name: BenchKernelSummary['name'], label: string, noisy: boolean): BenchKernelSummary => ({ name, label, unit: 'GFLOPS', value: 1000, noisy, specPeak: null, referenceValue: null });
const software = { code: 'software' as const, message: 'Software graphics — not a real GPU, can’t earn.' };

describe('the wizard’s notes under a quick run', () => {
  it('folds the noisy notes into one line naming the tests, after the others', () => {
    const flags = quickBenchNotes({
      flags: [software, { code: 'noisy', message: 'Raw FP32 compute: noisy' }, { code: 'noisy', message: 'FP32 matrix multiply: noisy' }],
      kernels: [kernel('fma', 'Raw FP32 compute', true), kernel('sgemm', 'FP32 matrix multiply', true), kernel('triad', 'Memory bandwidth', false)],
    });
    expect(flags).toEqual([software, { code: 'noisy', message: 'Timings varied between tries (Raw FP32 compute and FP32 matrix multiply). Close games and other busy apps, then run it again for a steadier figure.' }]);
  });

  it('leaves a steady run’s notes as they are', () => {
    expect(quickBenchNotes({ flags: [software], kernels: [kernel('fma', 'Raw FP32 compute', false)] })).toEqual([software]);
  });
});
