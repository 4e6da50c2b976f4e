import type { Settings } from '../../protocol/settings.js';
import type { ProviderState } from '../../protocol/state.js';

/** One PNG per state in resources/ (tray-<state>.png and @2x). */
export const TRAY_STATES = ['idle', 'earning', 'paused', 'attention'] as const;
export type TrayIconState = (typeof TRAY_STATES)[number];

export interface TrayModel {
  icon: TrayIconState;
  /** The first, disabled menu line and the tooltip. */
  statusLine: string;
  paused: boolean;
  pauseLabel: string;
}

export interface TrayInput {
  state: ProviderState;
  settings: Settings;
  now: number;
}

export function isPaused(pausedUntil: string | null, now: number): boolean {
  if (pausedUntil === null) return false;
  if (pausedUntil === 'forever') return true;
  const until = Date.parse(pausedUntil);
  return Number.isFinite(until) && until > now;
}

function clip(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clock(iso: string): string {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** What the tray shows, decided from the state core pushes. Pure. */
export function trayModel({ state, settings, now }: TrayInput): TrayModel {
  const pausedUntil = settings.schedule.pausedUntil;
  const paused = isPaused(pausedUntil, now);
  const pauseLabel = paused ? 'Resume earning' : 'Pause earning';
  const availability = state.availability;
  if (paused) {
    const statusLine = pausedUntil === 'forever' ? 'Paused: not earning until you resume' : `Paused until ${clock(pausedUntil!)}`;
    return { icon: 'paused', statusLine, paused, pauseLabel };
  }
  const problem = state.notices.find((n) => n.level === 'error') ?? null;
  if (problem) return { icon: 'attention', statusLine: clip(`Needs attention: ${problem.title}`), paused, pauseLabel };
  if (state.gpus === null) return { icon: 'idle', statusLine: 'Looking for graphics cards…', paused, pauseLabel };
  if (state.gpus.status !== 'ok') {
    return { icon: 'attention', statusLine: clip(`Needs attention: ${state.gpus.reason ?? 'no usable graphics card'}`), paused, pauseLabel };
  }
  if (availability?.state === 'working') return { icon: 'earning', statusLine: clip(availability.now || 'Earning: your GPU is working'), paused, pauseLabel };
  // The scheduler's own sentence ("Waiting: you are using the PC") once it has sampled.
  if (availability) return { icon: 'idle', statusLine: clip(availability.now), paused, pauseLabel };
  const ready = state.gpus.gpus.filter((gpu) => gpu.supported).length;
  return { icon: 'idle', statusLine: `Ready: ${ready} graphics card${ready === 1 ? '' : 's'}, waiting for idle time`, paused, pauseLabel };
}
