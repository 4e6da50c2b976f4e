import { defaultSettings, WEEK_CELLS } from '../../../../protocol/settings.js';
import type { ScheduleRules, ScheduleSample } from '../machine.js';

/** A grid with '1' in the given [start, end) half-hour ranges; days 0 = Monday, times "HH:MM". end "24:00" allowed. */
export function gridOf(ranges: { days: number[]; from: string; to: string }[]): string {
  const cells = Array.from({ length: WEEK_CELLS }, () => '0');
  const cell = (time: string) => {
    const [h, m] = time.split(':').map(Number);
    return (h! * 60 + m!) / 30;
  };
  for (const range of ranges) {
    for (const day of range.days) {
      const from = cell(range.from);
      const to = cell(range.to);
      const span = to > from ? to - from : 48 - from + to;
      for (let i = 0; i < span; i++) cells[(day * 48 + from + i) % WEEK_CELLS] = '1';
    }
  }
  return cells.join('');
}

export const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

export function rules(overrides: Partial<ScheduleRules> = {}): ScheduleRules {
  return { ...defaultSettings().schedule, ...overrides };
}

export function sample(at: number, overrides: Partial<ScheduleSample> = {}): ScheduleSample {
  return {
    at,
    idleSeconds: 3600,
    locked: false,
    onBattery: false,
    foreignGpu: null,
    game: null,
    gpuTempC: 60,
    engineHealthy: true,
    networkHealthy: true,
    job: null,
    ...overrides,
  };
}
