import type { UpdateSlice } from '../../../protocol/update.js';
import type { UpdaterEvent } from '../ports.js';

/**
 * The self-update decisions, pure (time and the job's state come in): when to look, what to show, and whether
 * quitting may install. An update never interrupts work: no check or download starts while a job is on this PC
 * (its bandwidth and disk belong to the job), and a downloaded update installs at quit only when no job is there.
 */

/** Looked for when the app starts, then once a day. */
export const CHECK_EVERY_MS = 24 * 60 * 60 * 1000;
/** After a failed check (offline, server down), the next try. */
export const RETRY_AFTER_ERROR_MS = 60 * 60 * 1000;

export const IDLE_LINE = 'Offhours looks for updates when it starts and once a day.';

export function initialUpdateSlice(): UpdateSlice {
  return { phase: 'idle', version: null, percent: null, line: IDLE_LINE, nextStep: null, checkedAt: null, installOnQuit: false };
}

export interface CheckInput {
  slice: UpdateSlice;
  /** When the last check was started (epoch ms); null: not since this start. */
  lastAttemptAt: number | null;
  now: number;
  /** A job is on this PC (running or frozen). */
  busy: boolean;
}

/** Whether to look for an update now: at start and daily, an hour after a failure, never while a job is here or one is under way. */
export function mayCheckNow({ slice, lastAttemptAt, now, busy }: CheckInput): boolean {
  if (busy) return false;
  if (slice.phase === 'external' || slice.phase === 'checking' || slice.phase === 'downloading' || slice.phase === 'downloaded') return false;
  if (lastAttemptAt === null) return true;
  return now - lastAttemptAt >= (slice.phase === 'error' ? RETRY_AFTER_ERROR_MS : CHECK_EVERY_MS);
}

/** Quitting installs a downloaded update only when no job is on this PC; otherwise it waits for a quit after the job. */
export function mayInstallOnQuit(slice: UpdateSlice, busy: boolean): boolean {
  return slice.phase === 'downloaded' && !busy;
}

function readyLine(version: string, busy: boolean): string {
  return busy ? `Version ${version} is ready: it installs when you quit Offhours after the job on this PC ends.` : `Version ${version} is ready: it installs when you quit Offhours.`;
}

/** The slice after an updater event; `nowIso` stamps finished checks. */
export function applyUpdaterEvent(slice: UpdateSlice, event: UpdaterEvent, nowIso: string, busy: boolean): UpdateSlice {
  const base = { ...slice, nextStep: null, percent: null };
  switch (event.kind) {
    case 'checking':
      return { ...base, phase: 'checking', version: null, line: 'Looking for updates…', installOnQuit: false };
    case 'available':
      return { ...base, phase: 'downloading', version: event.version, percent: 0, line: `Downloading version ${event.version} in the background…`, checkedAt: nowIso, installOnQuit: false };
    case 'progress': {
      if (slice.phase !== 'downloading') return slice;
      const percent = Math.min(100, Math.max(0, Math.round(event.percent)));
      return { ...base, percent, line: `Downloading ${slice.version ? `version ${slice.version}` : 'the update'} in the background (${percent} %)…` };
    }
    case 'downloaded':
      return withJobState({ ...base, phase: 'downloaded', version: event.version, line: '', checkedAt: slice.checkedAt ?? nowIso }, busy);
    case 'not-available':
      return { ...base, phase: 'up-to-date', version: null, line: 'Offhours is up to date.', checkedAt: nowIso, installOnQuit: false };
    case 'error':
      return {
        ...base,
        phase: 'error',
        version: null,
        line: `Could not look for updates: ${event.message.split('\n')[0]!.slice(0, 200)}`,
        nextStep: 'Offhours tries again in an hour. If this keeps happening, check the internet connection or download the latest version from the Offhours website.',
        checkedAt: nowIso,
        installOnQuit: false,
      };
  }
}

/** A downloaded update's line and install-on-quit follow the job: both change when a job starts or ends. */
export function withJobState(slice: UpdateSlice, busy: boolean): UpdateSlice {
  if (slice.phase !== 'downloaded') return slice;
  return { ...slice, line: readyLine(slice.version ?? 'new', busy), installOnQuit: mayInstallOnQuit(slice, busy) };
}
