import { z } from 'zod';

/**
 * Where this copy's updates come from and how far the current one got (electron/core/update). The desktop app
 * updates itself (electron-updater: checked at start and daily, downloaded in the background, installed when the
 * owner quits, never while a job runs); the headless service and a development copy do not, and say so.
 */
export const UpdatePhaseSchema = z.enum([
  /** This copy never updates itself (headless, a development build): `line` says where updates come from. */
  'external',
  /** Waiting for the first check (or a job is running, so the check waits). */
  'idle',
  'checking',
  'downloading',
  /** Downloaded; installs when Offhours quits (installOnQuit), or waits for the job to end first. */
  'downloaded',
  'up-to-date',
  'error',
]);
export type UpdatePhase = z.infer<typeof UpdatePhaseSchema>;

export const UpdateSliceSchema = z.object({
  phase: UpdatePhaseSchema,
  /** The newer version found (available, downloading, downloaded); null otherwise. */
  version: z.string().nullable(),
  /** Download progress 0–100 while downloading; null otherwise. */
  percent: z.number().min(0).max(100).nullable(),
  /** The one line Settings, the tray and `offhours version` show, e.g. "Version 1.2.0 is ready: it installs when you quit Offhours". */
  line: z.string(),
  /** What the owner can do, when something went wrong; null otherwise. */
  nextStep: z.string().nullable(),
  /** When the last check finished (ISO); null before the first. */
  checkedAt: z.string().nullable(),
  /** Whether quitting now would install the downloaded update (false while a job runs: it waits). */
  installOnQuit: z.boolean(),
});
export type UpdateSlice = z.infer<typeof UpdateSliceSchema>;

/** The honest line of a copy that does not update itself: the headless service is installed by a package or an AppImage. */
export const PACKAGE_UPDATES_LINE = 'Updates come from your package manager (deb) or a new AppImage; this service does not update itself.';

/** The line of a desktop app run from a source checkout (electron-updater only works in an installed app). */
export const DEVELOPMENT_UPDATES_LINE = 'This is a development copy: it does not update itself.';

export function externalUpdateSlice(line: string): UpdateSlice {
  return { phase: 'external', version: null, percent: null, line, nextStep: null, checkedAt: null, installOnQuit: false };
}

/** What `revealLogs` did: the log file's path, and whether a folder window was opened on this PC (desktop only). */
export const RevealLogsResultSchema = z.object({
  path: z.string(),
  opened: z.boolean(),
});
export type RevealLogsResult = z.infer<typeof RevealLogsResultSchema>;
