import { everyDayGrid } from '../../../../protocol/setup.js';

/** Pure helpers for the weekly grid: 7 rows (Monday first) × 48 half-hour cells, '1' = available. */
export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export const CELLS_PER_DAY = 48;

export function setCell(grid: string, index: number, on: boolean): string {
  if (index < 0 || index >= grid.length) return grid;
  const value = on ? '1' : '0';
  return grid[index] === value ? grid : grid.slice(0, index) + value + grid.slice(index + 1);
}

/** Paints the rectangle between two cells (as the owner drags across days and hours). */
export function paintRect(grid: string, from: number, to: number, on: boolean): string {
  const [d1, c1] = [Math.floor(from / CELLS_PER_DAY), from % CELLS_PER_DAY];
  const [d2, c2] = [Math.floor(to / CELLS_PER_DAY), to % CELLS_PER_DAY];
  let next = grid;
  for (let d = Math.min(d1, d2); d <= Math.max(d1, d2); d++) {
    for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) next = setCell(next, d * CELLS_PER_DAY + c, on);
  }
  return next;
}

/** A preset: every day from `fromHour` to `toHour` (wrapping past midnight when to < from); the setup presets share it. */
export const everyDay = everyDayGrid;

export function hoursChosen(grid: string): number {
  return [...grid].filter((c) => c === '1').length / 2;
}

export function cellLabel(index: number): string {
  const day = DAYS[Math.floor(index / CELLS_PER_DAY)] ?? '?';
  const cell = index % CELLS_PER_DAY;
  const hh = (h: number) => String(h).padStart(2, '0');
  const start = `${hh(Math.floor(cell / 2))}:${cell % 2 ? '30' : '00'}`;
  const endCell = cell + 1;
  const end = `${hh(Math.floor(endCell / 2) % 24)}:${endCell % 2 ? '30' : '00'}`;
  return `${day} ${start}–${end}`;
}
