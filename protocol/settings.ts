import { z } from 'zod';

export const SETTINGS_VERSION = 1;

/** 7 days × 48 half-hour cells, Monday 00:00 first, '1' = available. */
export const WEEK_CELLS = 7 * 48;
export const WeeklyGridSchema = z.string().regex(new RegExp(`^[01]{${WEEK_CELLS}}$`), 'must be 336 cells of 0 or 1');

/** Printable text only: a control character (newline, NUL, escape) in a name the app matches or shows is never meant. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
const noControlChars = 'must not contain control characters (newlines, tabs, NUL)';

const MAX_URL_LENGTH = 2048;
/** A Solana address is 32–44 characters; room to spare for a future chain, none for a pasted blob. */
const MAX_ADDRESS_LENGTH = 128;

/** How far ahead a timed pause may reach: longer than a year is a typo (or garbage), and "until I resume" exists for it. */
export const PAUSE_HORIZON_MS = 366 * 24 * 60 * 60 * 1000;

/** An ISO 8601 time with its offset, as `new Date().toISOString()` writes it. */
const IsoTimeSchema = z.iso.datetime({ offset: true });

/**
 * 'forever' (until the owner resumes), an ISO time, or null (not paused). Anything else used to be saved and read
 * as "not paused"; a 6-digit year showed as a weekday. The one-year horizon needs the clock, so it is checked where
 * a clock is at hand: pausedUntilProblem below, called by core on every change and on load.
 */
export const PausedUntilSchema = z.union([z.literal('forever'), IsoTimeSchema]).nullable();

/** Why a pausedUntil value is refused at `now`, in plain words; null when it is fine. Pure. */
export function pausedUntilProblem(value: unknown, now: number): string | null {
  const parsed = PausedUntilSchema.safeParse(value);
  if (!parsed.success) return 'must be a date and time (ISO 8601), "forever" (until resumed) or null (not paused)';
  if (parsed.data === null || parsed.data === 'forever') return null;
  if (Date.parse(parsed.data) > now + PAUSE_HORIZON_MS) return 'must be at most a year ahead (pause "until I resume" instead)';
  return null;
}

export const GeneralSettingsSchema = z.object({
  launchAtLogin: z.boolean(),
  closeToTray: z.boolean(),
  /** Stop our containers when the app quits (otherwise they are frozen and adopted on the next start). */
  stopJobsOnQuit: z.boolean(),
  notifications: z.boolean(),
});

export const ScheduleSettingsSchema = z.object({
  weeklyGrid: WeeklyGridSchema,
  idleMinutes: z.number().int().min(1).max(240),
  allowWhileActive: z.boolean(),
  pauseOnBattery: z.boolean(),
  maxGpuTempC: z.number().int().min(50).max(100),
  dedicatedRig: z.boolean(),
  extraGameExecutables: z.array(z.string().min(1).max(260).regex(NO_CONTROL_CHARS, noControlChars)).max(200),
  panicHotkey: z.string().max(64).regex(NO_CONTROL_CHARS, noControlChars),
  /** ISO time until which the owner paused earning; 'forever' until they resume; null when not paused. */
  pausedUntil: PausedUntilSchema,
  /** How long a frozen job waits for the owner to leave again before it is stopped (new in 0.1; older files get the default). */
  yieldGraceSeconds: z.number().int().min(5).max(3600),
});

/** Job offers and payouts travel over this link: https, or http to this machine for development. */
export const CoordinatorUrlSchema = z
  .string()
  // Real coordinator addresses are short; 900 KB of URL was once accepted and saved twice over.
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .url()
  // A regex, not URL: protocol/ sees neither DOM nor Node globals.
  .regex(/^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$))/i, 'must be an https:// address (http:// only for localhost)');

/** 'embedded' runs a local coordinator and local Solana; 'off' joins no network; otherwise the coordinator's URL. */
export const CoordinatorChoiceSchema = z.union([z.literal('embedded'), z.literal('off'), CoordinatorUrlSchema]);
export type CoordinatorChoice = z.infer<typeof CoordinatorChoiceSchema>;

export const NetworkSettingsSchema = z.object({
  coordinator: CoordinatorChoiceSchema,
  /** The least this owner accepts per GPU-hour of work, in base units of the payout token (new in 0.1; older files get "0"). */
  minPricePerGpuHour: z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'must be a whole number of base units'),
});

export const WalletSettingsSchema = z.object({
  /** Checked as a Solana address when set through core; the bound keeps a hand-edited or pasted blob out of the file. */
  payoutAddress: z.string().max(MAX_ADDRESS_LENGTH, `must be at most ${MAX_ADDRESS_LENGTH} characters`).nullable(),
});

/**
 * A price per kWh in the payout token's own units, as the owner types it ("0.25" means a quarter of one token per
 * kWh). Why the token and not the owner's currency: earnings arrive in that token, and a production network's token
 * is meant to be a stable unit, so cost and earnings share one unit without an exchange rate the app would have to
 * fetch. Kept as the decimal text the owner typed; core turns it into base units with the token's decimals only
 * when it computes (integers throughout, never a float). No sign, no exponent, at most 18 decimals.
 */
export const PricePerKwhSchema = z.string().regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,18})?$/, 'must be a decimal number such as 0.25 (payout tokens per kWh)');

/** A cheaper rate between two whole hours of the local day; fromHour > toHour crosses midnight (22 → 6 is 22:00–06:00). */
export const TimeOfUseSchema = z
  .object({
    cheapPricePerKwh: PricePerKwhSchema,
    /** First hour (0–23) at the cheap rate. */
    fromHour: z.number().int().min(0).max(23),
    /** The hour (0–23) the normal rate starts again. */
    toHour: z.number().int().min(0).max(23),
  })
  .strict()
  .refine((tariff) => tariff.fromHour !== tariff.toHour, 'the cheap hours must start and end at different hours');

/** The owner's electricity tariff, for net profit (earnings minus the GPU's electricity). New in 0.1; older files get the default (off). */
export const ElectricitySettingsSchema = z.object({
  /** Payout tokens per kWh (see PricePerKwhSchema); null: not entered, no net profit is shown. */
  pricePerKwh: PricePerKwhSchema.nullable(),
  /** An optional cheaper window (a night rate); null: one flat price all day. */
  timeOfUse: TimeOfUseSchema.nullable(),
  /** Refuse job offers while electricity would cost more than the job pays (a minimum-profit rule). */
  stopWhenUnprofitable: z.boolean(),
});

/** The first-run choices of when to earn (protocol/setup.ts turns each into schedule rules). */
export const SCHEDULE_PRESETS = ['away', 'nights', 'always'] as const;
export const SchedulePresetSchema = z.enum(SCHEDULE_PRESETS);
export type SchedulePreset = z.infer<typeof SchedulePresetSchema>;

/**
 * The first-run setup (the app's wizard or `offhours setup`). New in 0.1; older files get the default: not completed,
 * not skipped, so an owner upgrading from before the wizard sees it once, with their wallet and hours already filled in.
 */
export const SetupSettingsSchema = z.object({
  /** When setup was finished (a payout wallet set and a schedule chosen); null: never. */
  completedAt: IsoTimeSchema.nullable(),
  /** When the owner chose "Skip for now": the wizard then waits behind a "Finish setup" banner; null: never skipped. */
  skippedAt: IsoTimeSchema.nullable(),
  /** The schedule choice made at setup; null before. The Schedule page may have changed the rules since. */
  schedulePreset: SchedulePresetSchema.nullable(),
});
export type SetupSettings = z.infer<typeof SetupSettingsSchema>;

export const SettingsSchema = z
  .object({
    schemaVersion: z.literal(SETTINGS_VERSION),
    general: GeneralSettingsSchema.strict(),
    schedule: ScheduleSettingsSchema.strict(),
    network: NetworkSettingsSchema.strict(),
    wallet: WalletSettingsSchema.strict(),
    electricity: ElectricitySettingsSchema.strict(),
    setup: SetupSettingsSchema.strict(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * Settings as core pushes them after every change, whatever made it (a page, the tray, `offhours pause`).
 * revision orders pushes against each other: events and method replies travel on different channels (a WebSocket
 * and HTTP in headless), so a late one must be recognisable. Core starts counting at its start time in ms, so a
 * restarted daemon's pushes still count as newer than the previous run's.
 */
export const SettingsPushSchema = z.object({ revision: z.number().int().nonnegative(), settings: SettingsSchema }).strict();
export type SettingsPush = z.infer<typeof SettingsPushSchema>;

export const SettingsPatchSchema = z
  .object({
    general: GeneralSettingsSchema.partial().strict(),
    schedule: ScheduleSettingsSchema.partial().strict(),
    network: NetworkSettingsSchema.partial().strict(),
    wallet: WalletSettingsSchema.partial().strict(),
    electricity: ElectricitySettingsSchema.partial().strict(),
    setup: SetupSettingsSchema.partial().strict(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export function defaultSettings(): Settings {
  return {
    schemaVersion: SETTINGS_VERSION,
    general: { launchAtLogin: false, closeToTray: true, stopJobsOnQuit: true, notifications: true },
    schedule: {
      weeklyGrid: '1'.repeat(WEEK_CELLS),
      idleMinutes: 5,
      allowWhileActive: false,
      pauseOnBattery: true,
      maxGpuTempC: 83,
      dedicatedRig: false,
      extraGameExecutables: [],
      panicHotkey: 'CommandOrControl+Alt+F12',
      pausedUntil: null,
      yieldGraceSeconds: 60,
    },
    network: { coordinator: 'embedded', minPricePerGpuHour: '0' },
    wallet: { payoutAddress: null },
    electricity: { pricePerKwh: null, timeOfUse: null, stopWhenUnprofitable: false },
    setup: { completedAt: null, skippedAt: null, schedulePreset: null },
  };
}

/** Section-wise merge without validation (the renderer's optimistic view). */
export function mergeSettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return {
    ...current,
    general: { ...current.general, ...patch.general },
    schedule: { ...current.schedule, ...patch.schedule },
    network: { ...current.network, ...patch.network },
    wallet: { ...current.wallet, ...patch.wallet },
    electricity: { ...current.electricity, ...patch.electricity },
    setup: { ...current.setup, ...patch.setup },
  };
}

/** The merge core applies: the result must be valid settings or it throws. */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return SettingsSchema.parse(mergeSettingsPatch(current, patch));
}

/**
 * Each step takes the document of version N (as parsed JSON) to version N+1.
 * Steps never throw on missing fields: anything they cannot carry over falls back to defaults at the end.
 */
type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
const MIGRATIONS: Record<number, Migration> = {
  // Version 0 was the unversioned pre-release file: flat keys, idle threshold in seconds.
  0: (doc) => {
    const idleSeconds = typeof doc.idleSeconds === 'number' ? doc.idleSeconds : undefined;
    const { idleSeconds: _dropped, ...rest } = doc;
    const schedule = (rest.schedule as Record<string, unknown> | undefined) ?? {};
    return {
      ...rest,
      schemaVersion: 1,
      schedule: idleSeconds === undefined ? schedule : { ...schedule, idleMinutes: Math.max(1, Math.round(idleSeconds / 60)) },
    };
  },
};

/** A field of an older file that fails a bound added since, reset to its default on load. */
export interface SettingsFieldReset {
  /** Dotted path, e.g. "schedule.pausedUntil". */
  field: string;
  reason: string;
}

type Section = Exclude<keyof Settings, 'schemaVersion'>;
/**
 * Fields whose bounds were tightened after files were already written with looser ones. Such a value falls back to
 * its default (with a notice) instead of resetting the whole file: the file was valid when it was written.
 * Any other invalid value still sets the file aside, as before.
 */
const TIGHTENED_FIELDS: ReadonlyArray<{
  section: Section;
  key: string;
  /** Only what the tightened bound refuses; a value that was always invalid is left for the schema to refuse. */
  problem: (value: unknown, now: number) => string | null;
  /** What to keep instead of the default, where part of the value is good (the other game names). */
  repair?: (value: unknown) => unknown;
}> = [
  { section: 'schedule', key: 'pausedUntil', problem: (value, now) => (typeof value === 'string' ? pausedUntilProblem(value, now) : null) },
  { section: 'schedule', key: 'panicHotkey', problem: (value) => (typeof value === 'string' && !NO_CONTROL_CHARS.test(value) ? noControlChars : null) },
  {
    section: 'schedule',
    key: 'extraGameExecutables',
    problem: (value) => (Array.isArray(value) && value.some((name) => typeof name === 'string' && !NO_CONTROL_CHARS.test(name)) ? `a name ${noControlChars}` : null),
    repair: (value) => (value as unknown[]).filter((name) => !(typeof name === 'string' && !NO_CONTROL_CHARS.test(name))),
  },
  { section: 'network', key: 'coordinator', problem: (value) => (typeof value === 'string' && value.length > MAX_URL_LENGTH ? `must be at most ${MAX_URL_LENGTH} characters` : null) },
  { section: 'wallet', key: 'payoutAddress', problem: (value) => (typeof value === 'string' && value.length > MAX_ADDRESS_LENGTH ? `must be at most ${MAX_ADDRESS_LENGTH} characters` : null) },
];

export type SettingsLoadOutcome =
  | { kind: 'ok'; settings: Settings; migratedFrom: number | null; fieldsReset?: SettingsFieldReset[] }
  | { kind: 'invalid'; reason: string };

/** Migrates a parsed settings document to the current version and validates it. Pure. */
export function migrateSettings(raw: unknown, now: number = Date.now()): SettingsLoadOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'invalid', reason: 'the file does not hold a settings object' };
  }
  let doc = raw as Record<string, unknown>;
  const startVersion = doc.schemaVersion === undefined ? 0 : doc.schemaVersion;
  if (typeof startVersion !== 'number' || !Number.isInteger(startVersion) || startVersion < 0) {
    return { kind: 'invalid', reason: 'the settings version is not a number' };
  }
  if (startVersion > SETTINGS_VERSION) {
    return { kind: 'invalid', reason: `the file was written by a newer Offhours (settings version ${startVersion})` };
  }
  for (let version = startVersion; version < SETTINGS_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) return { kind: 'invalid', reason: `no migration from settings version ${version}` };
    doc = step(doc);
  }
  const defaults = defaultSettings();
  const merged = {
    ...defaults,
    ...doc,
    general: { ...defaults.general, ...(doc.general as object | undefined) },
    schedule: { ...defaults.schedule, ...(doc.schedule as object | undefined) },
    network: { ...defaults.network, ...(doc.network as object | undefined) },
    wallet: { ...defaults.wallet, ...(doc.wallet as object | undefined) },
    electricity: { ...defaults.electricity, ...(doc.electricity as object | undefined) },
    setup: { ...defaults.setup, ...(doc.setup as object | undefined) },
  };
  const fieldsReset: SettingsFieldReset[] = [];
  for (const { section, key, problem, repair } of TIGHTENED_FIELDS) {
    const values = merged[section] as Record<string, unknown>;
    const reason = problem(values[key], now);
    if (reason === null) continue;
    values[key] = repair ? repair(values[key]) : (defaults[section] as Record<string, unknown>)[key];
    fieldsReset.push({ field: `${section}.${key}`, reason });
  }
  const parsed = SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { kind: 'invalid', reason: `${first?.path.join('.') || 'settings'}: ${first?.message ?? 'invalid'}` };
  }
  const migratedFrom = startVersion === SETTINGS_VERSION ? null : startVersion;
  return fieldsReset.length > 0 ? { kind: 'ok', settings: parsed.data, migratedFrom, fieldsReset } : { kind: 'ok', settings: parsed.data, migratedFrom };
}
