/**
 * Local wall-clock time, injected into the scheduler so time zones, DST and zone changes are testable.
 * weekday: 0 = Monday … 6 = Sunday (the weekly grid starts on Monday 00:00).
 */
export interface LocalTime {
  weekday: number;
  /** Minutes since local midnight, 0…1439. */
  minuteOfDay: number;
  second: number;
}

export type LocalCalendar = (epochMs: number) => LocalTime;

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** A calendar for a named IANA zone (tests, or a zone the owner picked). */
export function zoneCalendar(timeZone: string): LocalCalendar {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  return (epochMs) => {
    let weekday = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of format.formatToParts(epochMs)) {
      if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
      else if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
      else if (part.type === 'second') second = Number(part.value);
    }
    return { weekday, minuteOfDay: hour * 60 + minute, second };
  };
}

/**
 * The machine's own zone, read on every call, so a zone change in the OS (travel, DST) applies at once.
 * Date's local getters follow the process time zone, which Node re-reads when TZ changes.
 */
export const systemCalendar: LocalCalendar = (epochMs) => {
  const date = new Date(epochMs);
  return { weekday: (date.getDay() + 6) % 7, minuteOfDay: date.getHours() * 60 + date.getMinutes(), second: date.getSeconds() };
};

/** Index of the half-hour cell of the weekly grid that holds this local time. */
export function cellIndex(local: LocalTime): number {
  return local.weekday * 48 + Math.floor(local.minuteOfDay / 30);
}

export function isInsideGrid(grid: string, local: LocalTime): boolean {
  return grid[cellIndex(local)] === '1';
}

/**
 * The next instant (epoch ms, after `from`) at which the grid's answer becomes `wanted`, or null if it never
 * does within 8 days (an all-0 or all-1 grid). Walks local half-hour boundaries in absolute time, re-reading the
 * calendar at each step, so DST gaps and repeated hours come out right.
 */
export function nextGridChange(grid: string, calendar: LocalCalendar, from: number, wanted: boolean): number | null {
  let at = from;
  for (let step = 0; step < 8 * 48 + 8; step++) {
    const local = calendar(at);
    if (isInsideGrid(grid, local) === wanted) return at;
    const intoCell = ((local.minuteOfDay % 30) * 60 + local.second) * 1000 + (at % 1000);
    at += 30 * 60_000 - intoCell;
  }
  return null;
}

/** "23:00", or "Sat 08:00" when the instant is not on the same local day as `now`. */
export function formatLocal(calendar: LocalCalendar, at: number, now: number): string {
  const local = calendar(at);
  const hh = String(Math.floor(local.minuteOfDay / 60)).padStart(2, '0');
  const mm = String(local.minuteOfDay % 60).padStart(2, '0');
  const sameDay = calendar(now).weekday === local.weekday && at - now < 24 * 3_600_000;
  if (sameDay) return `${hh}:${mm}`;
  const tomorrow = (calendar(now).weekday + 1) % 7 === local.weekday && at - now < 48 * 3_600_000;
  return `${tomorrow ? 'tomorrow' : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][local.weekday]} ${hh}:${mm}`;
}
