/**
 * The first-run setup's one real decision, shared by the app's wizard, `offhours setup` and core: which schedule
 * rules each "when to run" choice means. Pure.
 */
import { z } from 'zod';
import type { BenchFlag, BenchRunSummary } from './bench/wgsl/api-schemas.js';
import type { GpuInventory } from './gpu.js';
import { SCHEDULE_PRESETS, SchedulePresetSchema, WEEK_CELLS, type SchedulePreset, type Settings, type SettingsPatch } from './settings.js';

export { SCHEDULE_PRESETS, SchedulePresetSchema, type SchedulePreset };

const CELLS_PER_DAY = 48;
const DAYS_PER_WEEK = WEEK_CELLS / CELLS_PER_DAY;

/**
 * "Nights" is 23:00–07:00 local time, every day: the same window as the Schedule page's "Nights" button, so an owner
 * who opens that page after setup sees the hours they picked under the name they picked. 07:00 rather than 08:00
 * because a gamer who gets up at seven should find the GPU already theirs (a job yields at once anyway, but a
 * morning that starts with the fans spinning down feels like the PC was busy without asking).
 */
export const NIGHT_HOURS = { fromHour: 23, toHour: 7 } as const;

/** A weekly grid with the same window every day, fromHour up to (not including) toHour; to < from wraps past midnight. */
export function everyDayGrid(fromHour: number, toHour: number): string {
  const day = Array.from({ length: CELLS_PER_DAY }, (_, cell) => {
    const hour = cell / 2;
    const inside = fromHour <= toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
    return inside ? '1' : '0';
  }).join('');
  return day.repeat(DAYS_PER_WEEK);
}

const EVERY_HOUR = '1'.repeat(WEEK_CELLS);

const clock = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
/** "23:00–07:00", for the labels. */
export const NIGHT_WINDOW_TEXT = `${clock(NIGHT_HOURS.fromHour)}–${clock(NIGHT_HOURS.toHour)}`;

/** The schedule rules a preset sets; every other rule (idle minutes, temperature, battery, games) stays the owner's. */
export type PresetRules = Pick<Settings['schedule'], 'weeklyGrid' | 'allowWhileActive' | 'dedicatedRig'>;

/**
 * Each preset as schedule rules (electron/core/schedule/machine.ts reads them):
 * - away: every hour allowed, idle-based (allowWhileActive off: work starts after idleMinutes without input and
 *   yields at the first input).
 * - nights: only inside NIGHT_HOURS, and still idle-based: someone gaming at 1 a.m. keeps the GPU.
 * - always: every hour, allowWhileActive on. The machine checks games and other programs on the GPU before it looks
 *   at the owner's presence, so a game still stops work at once; only keyboard and mouse no longer do. dedicatedRig
 *   stays off on purpose: it means "nobody ever uses this PC" (the owner counts as always away, the reason shown is
 *   "dedicated rig"), which is not true of a gamer's PC, and the Schedule page keeps it as the rig owner's own choice.
 */
export function presetSchedule(preset: SchedulePreset): PresetRules {
  switch (preset) {
    case 'away':
      return { weeklyGrid: EVERY_HOUR, allowWhileActive: false, dedicatedRig: false };
    case 'nights':
      return { weeklyGrid: everyDayGrid(NIGHT_HOURS.fromHour, NIGHT_HOURS.toHour), allowWhileActive: false, dedicatedRig: false };
    case 'always':
      return { weeklyGrid: EVERY_HOUR, allowWhileActive: true, dedicatedRig: false };
  }
}

/** Which preset the current rules are, if any (the wizard preselects it; null once the Schedule page changed them). */
export function presetOf(schedule: PresetRules): SchedulePreset | null {
  return (
    SCHEDULE_PRESETS.find((preset) => {
      const rules = presetSchedule(preset);
      return rules.weeklyGrid === schedule.weeklyGrid && rules.allowWhileActive === schedule.allowWhileActive && rules.dedicatedRig === schedule.dedicatedRig;
    }) ?? null
  );
}

/** The presets in the owner's words; the wizard and `offhours setup` show the same text. */
export const PRESET_TEXT: Record<SchedulePreset, { title: string; description: string }> = {
  away: {
    title: 'When I’m away',
    description: 'Any time of day, once you have left the PC alone for a few minutes. The moment you touch the mouse, keyboard or a controller, it stops.',
  },
  nights: {
    title: 'Nights',
    description: `Only from ${clock(NIGHT_HOURS.fromHour)} to ${clock(NIGHT_HOURS.toHour)} (this PC’s time), and only while you are away from it. The rest of the day it never earns.`,
  },
  always: {
    title: 'Always',
    description: 'Whenever no game is running, also while you browse or work. Starting a game, or any other program that uses the GPU, stops it at once.',
  },
};

/** completeSetup's input. */
export const CompleteSetupRequestSchema = z
  .object({
    schedulePreset: SchedulePresetSchema,
    /** Offered on the last step, off unless the owner ticks it; absent leaves the setting as it is. */
    launchAtLogin: z.boolean().optional(),
  })
  .strict();
export type CompleteSetupRequest = z.infer<typeof CompleteSetupRequestSchema>;

/** The settings change that finishes setup: the preset's rules and the record of it, in one write. */
export function setupCompletionPatch(preset: SchedulePreset, completedAt: string, launchAtLogin?: boolean): SettingsPatch {
  const patch: SettingsPatch = { schedule: presetSchedule(preset), setup: { completedAt, schedulePreset: preset } };
  return launchAtLogin === undefined ? patch : { ...patch, general: { launchAtLogin } };
}

/** The wizard opens by itself: setup was neither finished nor put off. */
export function needsSetup(settings: Pick<Settings, 'setup'>): boolean {
  return settings.setup.completedAt === null && settings.setup.skippedAt === null;
}

/** Setup was put off ("Skip for now"): the dashboard offers to finish it. */
export function setupPutOff(settings: Pick<Settings, 'setup'>): boolean {
  return settings.setup.completedAt === null && settings.setup.skippedAt !== null;
}

/** The cards step in a few words: the wizard's lead sentence and `offhours setup`'s first lines. */
export interface GpuStepSummary {
  /** Some card can take paid jobs. */
  canEarn: boolean;
  headline: string;
  /** Why no card can earn (the detector's own words); null when one can. */
  detail: string | null;
  nextStep: string | null;
}

const NO_CARD_HEADLINES: Record<Exclude<GpuInventory['status'], 'ok'>, string> = {
  'no-gpu': 'No graphics card found',
  'no-driver': 'Your graphics card needs its driver',
  'driver-error': 'The graphics driver has a problem',
  unsupported: 'No card in this PC can take paid jobs yet',
};

/** Said whenever no card can earn: setup is still worth finishing, and nothing is lost by doing it now. */
export const FINISH_ANYWAY = 'You can still finish setup now: Offhours starts earning by itself once it finds a card it can use (it looks again at every start).';

export function gpuStepSummary(inventory: GpuInventory): GpuStepSummary {
  const ready = inventory.gpus.filter((gpu) => gpu.supported);
  if (inventory.status === 'ok' && ready.length > 0) {
    const names = ready.map((gpu) => gpu.name).join(', ');
    return { canEarn: true, headline: `${ready.length === 1 ? 'Your card is' : `${ready.length} cards are`} ready for paid jobs: ${names}.`, detail: null, nextStep: null };
  }
  const status = inventory.status === 'ok' ? 'unsupported' : inventory.status;
  return { canEarn: false, headline: NO_CARD_HEADLINES[status], detail: inventory.reason, nextStep: inventory.nextStep };
}

/**
 * The notes under a quick run in the wizard and `offhours setup`: each note once, with the per-test "noisy" notes folded into one line
 * (three near-identical warnings would bury the one that matters, such as software graphics). Pure.
 */
export function quickBenchNotes(run: Pick<BenchRunSummary, 'flags' | 'kernels'>): BenchFlag[] {
  const noisy = run.kernels.filter((kernel) => kernel.noisy).map((kernel) => kernel.label);
  const others = run.flags.filter((flag) => flag.code !== 'noisy');
  if (noisy.length === 0) return others;
  const which = noisy.length === 1 ? noisy[0] : `${noisy.slice(0, -1).join(', ')} and ${noisy.at(-1)}`;
  return [...others, { code: 'noisy', message: `Timings varied between tries (${which}). Close games and other busy apps, then run it again for a steadier figure.` }];
}
