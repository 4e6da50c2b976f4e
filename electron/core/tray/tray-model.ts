/**
 * What the tray shows, decided from the ProviderState core pushes: the icon, the tooltip, the menu and which of its
 * items can be used now. Pure (time and the local day come in), so the Electron tray only draws it and every state
 * is unit-tested without Electron.
 */
import { formatTokenAmount } from '../../../protocol/network-format.js';
import { earningsPeriods } from '../../../protocol/earnings-stats.js';
import type { ProviderState } from '../../../protocol/state.js';

/** One icon per state, each a PNG in resources/ (tray-<icon>.png and @2x, drawn by resources/make-icons.mjs). */
export const TRAY_ICONS = ['idle', 'available', 'working', 'paused', 'error', 'offline'] as const;
export type TrayIcon = (typeof TRAY_ICONS)[number];

/** What a menu item does; the shell maps each to a core handler or a window action. */
export type TrayAction = 'pause-hour' | 'pause-tomorrow' | 'resume' | 'open' | 'quit';

export type TrayMenuEntry = { kind: 'separator' } | { kind: 'item'; label: string; enabled: boolean; action: TrayAction | null };

export interface TrayModel {
  icon: TrayIcon;
  /** The first, disabled menu line. */
  statusLine: string;
  /** "Today: 1.25 USDC": receipts of the local day. */
  todayLine: string;
  /** Status and today's earnings, within the 127 characters Windows allows. */
  tooltip: string;
  paused: boolean;
  menu: TrayMenuEntry[];
}

export interface TrayInput {
  state: ProviderState;
  /** The owner's local date (`localDayKey`), passed in so the model stays pure. */
  today: string;
}

const STATUS_MAX = 64;
const TOOLTIP_MAX = 127;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Base units earned by runs that ended on the local day `today`: the same daily buckets the Earnings page sums. */
export function earnedToday(earnings: ProviderState['earnings'], today: string): bigint {
  return BigInt(earningsPeriods(earnings.daily, today).today);
}

function todayLineOf(state: ProviderState, today: string): string {
  const earned = earnedToday(state.earnings, today);
  return earned === 0n ? 'Today: nothing earned yet' : `Today: ${formatTokenAmount(earned.toString(), state.earnings.token)}`;
}

/** The problem the owner must fix before anything can be earned, in words; null when there is none. */
function problemOf(state: ProviderState): string | null {
  const error = state.notices.find((notice) => notice.level === 'error');
  if (error) return error.title;
  if (state.gpus && state.gpus.status !== 'ok') return state.gpus.reason ?? 'no usable graphics card';
  return null;
}

function isOffline(network: ProviderState['network']): boolean {
  return network.mode === 'off' || network.connection === 'unreachable' || network.connection === 'refused';
}

/** The icon and the status line, most pressing first: the owner's own pause, a problem, work, the network, readiness. */
function iconAndStatus(state: ProviderState): { icon: TrayIcon; statusLine: string } {
  const availability = state.availability;
  if (availability?.reason === 'paused') return { icon: 'paused', statusLine: availability.next ? `Paused: ${lowerFirst(availability.next)}` : 'Paused' };
  const problem = problemOf(state);
  if (problem) return { icon: 'error', statusLine: `Needs attention: ${problem}` };
  if (availability?.state === 'working') return { icon: 'working', statusLine: availability.now };
  if (isOffline(state.network)) return { icon: 'offline', statusLine: state.network.mode === 'off' ? 'Offline: not connected to any network' : `Offline: ${state.network.message}` };
  if (availability?.state === 'available') return { icon: 'available', statusLine: availability.now };
  if (state.gpus === null) return { icon: 'idle', statusLine: 'Looking for graphics cards…' };
  return { icon: 'idle', statusLine: availability?.now ?? 'Starting…' };
}

function item(label: string, action: TrayAction | null, enabled = true): TrayMenuEntry {
  return { kind: 'item', label, enabled, action };
}

/** Pausing needs the scheduler (it has sampled once); Resume only means something while paused. */
function menuOf(statusLine: string, todayLine: string, paused: boolean, scheduling: boolean): TrayMenuEntry[] {
  return [
    item(statusLine, null, false),
    item(todayLine, null, false),
    { kind: 'separator' },
    item('Pause for 1 hour', 'pause-hour', scheduling && !paused),
    item('Pause until tomorrow', 'pause-tomorrow', scheduling && !paused),
    item('Resume earning', 'resume', scheduling && paused),
    { kind: 'separator' },
    item('Open Offhours', 'open'),
    item('Quit Offhours', 'quit'),
  ];
}

export function trayModel({ state, today }: TrayInput): TrayModel {
  const { icon, statusLine: fullStatus } = iconAndStatus(state);
  const statusLine = clip(fullStatus, STATUS_MAX);
  const todayLine = todayLineOf(state, today);
  const paused = icon === 'paused';
  return {
    icon,
    statusLine,
    todayLine,
    tooltip: clip(`Offhours — ${statusLine} · ${todayLine}`, TOOLTIP_MAX),
    paused,
    menu: menuOf(statusLine, todayLine, paused, state.availability !== null),
  };
}
