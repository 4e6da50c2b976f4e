import type { Gpu, GpuInventory } from '../../../../protocol/gpu.js';

/** Plain-words formatting of GPU facts for cards and the dashboard. Pure. */

export function formatVram(mib: number | null): string {
  if (mib === null) return 'Unknown';
  if (mib < 1024) return `${mib} MB`;
  const gb = mib / 1024;
  // Drivers report "12 GB" cards as 12282 MiB: round to the label on the box when that close.
  const nearest = Math.round(gb);
  return Math.abs(gb - nearest) < 0.06 ? `${nearest} GB` : `${gb.toFixed(1)} GB`;
}

export type Heat = 'cool' | 'warm' | 'hot';

/** Matches the scheduler's default limit (83 °C): warm from 75, hot from 83. */
export function heatOf(temperatureC: number | null, hotAtC = 83): Heat | null {
  if (temperatureC === null) return null;
  if (temperatureC >= hotAtC) return 'hot';
  if (temperatureC >= hotAtC - 8) return 'warm';
  return 'cool';
}

export function percent(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((part / whole) * 100)));
}

export type CardVerdict = { tone: 'ok' | 'info' | 'bad'; label: string };

export function verdictOf(gpu: Gpu, inventory: Pick<GpuInventory, 'status'>): CardVerdict {
  if (gpu.supported) return { tone: 'ok', label: 'Ready for paid jobs' };
  if (gpu.vendor === 'nvidia' && (inventory.status === 'driver-error' || inventory.status === 'no-driver')) return { tone: 'bad', label: 'Driver problem' };
  return { tone: 'info', label: 'Benchmark only' };
}

const HEADINGS: Record<GpuInventory['status'], string> = {
  ok: 'Heads-up',
  'no-gpu': 'No graphics card found',
  'no-driver': 'Graphics driver missing',
  'driver-error': 'Graphics driver problem',
  unsupported: 'No card can take paid jobs yet',
};

export function inventoryHeading(status: GpuInventory['status']): string {
  return HEADINGS[status];
}

/** The dashboard's one-line status for the cards. */
export function dashboardStatus(inventory: GpuInventory | null, detecting: boolean): { tone: 'ok' | 'info' | 'bad'; text: string } {
  if (!inventory) return { tone: 'info', text: detecting ? 'Scanning for graphics cards…' : 'Waiting for the first scan' };
  if (inventory.status === 'ok') return { tone: 'ok', text: 'Hardware ready' };
  if (inventory.status === 'unsupported') return { tone: 'info', text: 'Benchmark only' };
  return { tone: 'bad', text: 'Needs attention' };
}
