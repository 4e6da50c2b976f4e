import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PowerSupply {
  type: string;
  online: string | null;
  status: string | null;
}

/** On battery: a mains supply exists and is offline, or there is no mains entry and a battery discharges. */
export function onBatteryFrom(supplies: PowerSupply[]): boolean {
  const mains = supplies.filter((s) => s.type === 'Mains' || s.type === 'USB' || s.type === 'USB_C');
  if (mains.some((s) => s.online === '1')) return false;
  if (mains.length > 0) return supplies.some((s) => s.type === 'Battery');
  return supplies.some((s) => s.type === 'Battery' && s.status === 'Discharging');
}

/** Linux battery state from /sys/class/power_supply (a few tiny file reads; cached by the caller). */
export function readLinuxOnBattery(dir = '/sys/class/power_supply'): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  const read = (name: string, file: string) => {
    try {
      return readFileSync(join(dir, name, file), 'utf8').trim();
    } catch {
      return null;
    }
  };
  return onBatteryFrom(names.map((name) => ({ type: read(name, 'type') ?? '', online: read(name, 'online'), status: read(name, 'status') })));
}
