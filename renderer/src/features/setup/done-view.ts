import type { ProviderState } from '../../../../protocol/state.js';
import { NIGHT_WINDOW_TEXT, type SchedulePreset } from '../../../../protocol/setup.js';

export interface DoneView {
  /** When it earns now, in one sentence. */
  earns: string;
  /** What it still waits for (a usable card); null when nothing. */
  waitsFor: string | null;
  /** Where to keep an eye on it: the tray (desktop) or this dashboard and `offhours status` (headless). */
  watchTitle: string;
  watch: string[];
  /** Commands worth knowing (headless only), shown as code. */
  commands: { command: string; what: string }[];
  earnings: string;
}

const EARNS: Record<SchedulePreset, string> = {
  away: 'Your PC now earns whenever you leave it alone for a few minutes, and steps aside the moment you are back.',
  nights: `Your PC now earns at night (${NIGHT_WINDOW_TEXT}) while you are away from it.`,
  always: 'Your PC now earns whenever no game is running.',
};

/** The done screen's words for this app and the preset chosen. Pure. */
export function doneView(mode: ProviderState['mode'], preset: SchedulePreset | null, canEarn: boolean): DoneView {
  const earns = preset ? EARNS[preset] : 'Your PC now earns by the schedule you set.';
  const waitsFor = canEarn ? null : 'It starts once Offhours finds a graphics card it can use: the Dashboard says what is missing.';
  const earnings = 'What it earns shows on the Earnings page, and payouts arrive in your wallet: the Wallet page lists each one with its check on the chain.';
  if (mode === 'desktop') {
    return {
      earns,
      waitsFor,
      watchTitle: 'It lives in the tray',
      watch: [
        'Closing this window keeps Offhours running in the tray, next to the clock. Its icon shows whether it is earning, waiting or paused.',
        'Click the icon to open this window again, or to pause for an hour or until tomorrow.',
      ],
      commands: [],
      earnings,
    };
  }
  return {
    earns,
    waitsFor,
    watchTitle: 'Keep an eye on it',
    watch: ['This dashboard shows what Offhours is doing. Keep its link: it carries your access token, and "offhours headless" prints it at every start.'],
    commands: [
      { command: 'offhours status', what: 'what it is doing right now, and why' },
      { command: 'offhours pause --for 1h', what: 'stop earning for a while ("offhours resume" to go on)' },
      { command: 'offhours earnings', what: 'what it earned and was paid' },
    ],
    earnings,
  };
}
