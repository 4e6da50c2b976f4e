import type { Clock, IdleSource } from '../ports.js';
import { AlwaysIdleSource, CombinedIdleSource, DeferredIdleSource, UnknownIdleSource } from '../schedule/idle.js';
import { EvdevIdleSource } from './idle-evdev.js';
import { readLinuxOnBattery } from './idle-sysfs-power.js';
import { XprintidleIdleSource } from './idle-xprintidle.js';
import { LogindIdleSource } from './logind-idle.js';

export type HeadlessIdleChoice = 'auto' | 'evdev' | 'x11' | 'logind' | 'dedicated' | 'none';

/**
 * The owner's presence on a plain-Node (headless) machine, best first:
 *  1. evdev (/dev/input): keyboards, mice, touchpads and game controllers, push-based;
 *  2. X11 idle time via xprintidle (keyboard and mouse of the X session);
 *  3. logind IdleHint (coarse: the desktop's own idle delay).
 * Lock state comes from logind when a session exists; battery from /sys/class/power_supply (cached 5 s).
 * OFFHOURS_IDLE_SOURCE picks one explicitly ("none" assumes the owner is present; "dedicated" is always idle).
 */
export interface HeadlessIdlePlaces {
  /** Where xprintidle and loginctl are looked up (PATH) and DISPLAY is read. */
  env?: NodeJS.ProcessEnv;
  /** The kernel's input devices. */
  inputDir?: string;
}

export function headlessIdleSource(clock: Clock, choice: string | undefined = process.env.OFFHOURS_IDLE_SOURCE, places: HeadlessIdlePlaces = {}): IdleSource {
  const env = places.env ?? process.env;
  const want = (choice ?? 'auto') as HeadlessIdleChoice;
  let battery = { at: -Infinity, value: false };
  const onBattery = () => {
    const now = clock.now();
    if (now - battery.at > 5000) battery = { at: now, value: process.platform === 'linux' ? readLinuxOnBattery() : false };
    return battery.value;
  };
  return new DeferredIdleSource(async () => {
    if (want === 'none') return new UnknownIdleSource();
    if (want === 'dedicated') return new AlwaysIdleSource();
    const lock = want === 'auto' || want === 'logind' ? await LogindIdleSource.open(clock, { env }) : null;
    let input: IdleSource | null = null;
    if (want === 'auto' || want === 'evdev') input = await EvdevIdleSource.open(clock, places.inputDir);
    if (!input && (want === 'auto' || want === 'x11')) input = await XprintidleIdleSource.open(clock, env);
    if (!input && lock) return new CombinedIdleSource(lock, null, onBattery);
    return new CombinedIdleSource(input ?? new UnknownIdleSource(), lock, onBattery);
  });
}
