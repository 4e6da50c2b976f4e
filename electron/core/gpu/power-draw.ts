import type { GpuPowerReading } from '../earnings/ports.js';

/** The query the power meter runs: one "uuid, watts" line per GPU. */
export const POWER_QUERY_ARGS = ['--query-gpu=uuid,power.draw', '--format=csv,noheader,nounits'] as const;

/** "215.47" W → 215470 mW from the text itself (no float rounding); null for "[N/A]", "[Not Supported]" and the like. */
export function wattsToMilliwatts(text: string): number | null {
  const match = /^(\d{1,6})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/** Parses POWER_QUERY_ARGS output; lines without a UUID or a number are left out. */
export function parsePowerDraw(stdout: string): GpuPowerReading[] {
  const readings: GpuPowerReading[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const [uuid, watts] = line.split(',').map((cell) => cell.trim());
    if (!uuid || !watts || !uuid.startsWith('GPU-')) continue;
    const milliwatts = wattsToMilliwatts(watts);
    if (milliwatts !== null) readings.push({ gpuId: uuid, milliwatts });
  }
  return readings;
}
