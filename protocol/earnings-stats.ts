/**
 * Earnings over time, from the coordinator's signed receipts: what each local day earned, the today / 7-day /
 * 30-day figures, the live tick pushed while a paid job runs, and the per-job series. Pure and integer-only
 * (base units as decimal strings, bigint inside); core computes the day buckets from every receipt it keeps,
 * the renderer and the CLI pick the windows from them with their own "today", so a day rolling over needs no push.
 */
import { z } from 'zod';
import type { ReceiptBody } from './receipts.js';
import type { ReceiptCheckState } from './state.js';

const BaseUnits = z.string().regex(/^(0|[1-9][0-9]{0,39})$/, 'must be a whole number of base units');
const DayKey = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a local date YYYY-MM-DD');

/** Days kept in the daily series: enough for the 30-day figure and a quarter of history on the chart. */
export const MAX_DAILY_DAYS = 90;
/** Jobs in the per-job series (newest). */
export const MAX_JOB_BARS = 20;

export const DailyEarningSchema = z.object({
  /** The local date the runs ended on (a run across midnight counts on the day it ended). */
  day: DayKey,
  amount: BaseUnits,
  seconds: z.number().int().nonnegative(),
  runs: z.number().int().nonnegative(),
});
export type DailyEarning = z.infer<typeof DailyEarningSchema>;

/** Pushed every second while a paid job runs, and once when it stops (jobId null): never polled. */
export const EarningsTickSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  /** The paid job running now; null once it ended. */
  jobId: z.string().nullable(),
  /** False while the job is frozen (owner back): the clock and the amount stand still. */
  earning: z.boolean(),
  /** Whole seconds of work in this run so far, frozen time excluded. */
  runSeconds: z.number().int().nonnegative(),
  /** rate × runSeconds, base units: an estimate until the coordinator's receipt confirms it. */
  runEarned: BaseUnits,
  ratePerSecond: BaseUnits,
  /** This local day: receipts that ended today plus this run so far. */
  today: BaseUnits,
  day: DayKey,
});
export type EarningsTick = z.infer<typeof EarningsTickSchema>;

/** Receipts that count in the figures: verified, or not checkable yet (the network announced no key); a failed check counts nowhere. */
export function countsInTotals(check: ReceiptCheckState): boolean {
  return check === 'verified' || check === 'no-key';
}

/** The local date of an instant, in the machine's own time zone (read per call, so DST and zone changes apply). */
export function localDayKey(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The `count` local dates ending with `day`, oldest first (calendar arithmetic on the date itself, not on ms). */
export function daysEndingOn(day: string, count: number): string[] {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const days: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const d = new Date(Date.UTC(year, month - 1, date - back));
    days.push(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`);
  }
  return days;
}

/** Receipts grouped by the local day they ended, oldest first, the newest MAX_DAILY_DAYS days that had any. */
export function dailyEarnings(receipts: readonly Pick<ReceiptBody, 'endedAt' | 'amount' | 'seconds'>[], dayOf: (epochMs: number) => string = localDayKey): DailyEarning[] {
  const byDay = new Map<string, { amount: bigint; seconds: number; runs: number }>();
  for (const receipt of receipts) {
    const ended = Date.parse(receipt.endedAt);
    if (!Number.isFinite(ended)) continue;
    const day = dayOf(ended);
    const bucket = byDay.get(day) ?? { amount: 0n, seconds: 0, runs: 0 };
    bucket.amount += BigInt(receipt.amount);
    bucket.seconds += receipt.seconds;
    bucket.runs += 1;
    byDay.set(day, bucket);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-MAX_DAILY_DAYS)
    .map(([day, bucket]) => ({ day, amount: bucket.amount.toString(), seconds: bucket.seconds, runs: bucket.runs }));
}

export interface EarningsPeriods {
  today: string;
  last7Days: string;
  last30Days: string;
}

/**
 * Today, the last 7 and the last 30 local days (today included), plus `live` (the run going on now, not yet
 * receipted) in each. Days after `today` (a clock set back) count nowhere.
 */
export function earningsPeriods(daily: readonly DailyEarning[], today: string, live = 0n): EarningsPeriods {
  const sumOver = (days: number) => {
    const window = new Set(daysEndingOn(today, days));
    return daily.reduce((sum, entry) => (window.has(entry.day) ? sum + BigInt(entry.amount) : sum), 0n) + live;
  };
  return { today: sumOver(1).toString(), last7Days: sumOver(7).toString(), last30Days: sumOver(30).toString() };
}

/** One bar per day for the last `days` days ending today (zero where nothing was earned), for the daily chart. */
export function dailySeries(daily: readonly DailyEarning[], today: string, days = 30, live = 0n): { day: string; amount: bigint }[] {
  const byDay = new Map(daily.map((entry) => [entry.day, BigInt(entry.amount)]));
  return daysEndingOn(today, days).map((day) => ({ day, amount: (byDay.get(day) ?? 0n) + (day === today ? live : 0n) }));
}

export interface JobBar {
  jobId: string;
  amount: bigint;
  seconds: number;
  endedAt: string;
}

/** What each of the newest jobs earned (every run of a job summed), oldest first, for the per-job chart. */
export function jobSeries(receipts: readonly Pick<ReceiptBody, 'jobId' | 'endedAt' | 'amount' | 'seconds'>[], max = MAX_JOB_BARS): JobBar[] {
  const byJob = new Map<string, JobBar>();
  for (const receipt of receipts) {
    const bar = byJob.get(receipt.jobId) ?? { jobId: receipt.jobId, amount: 0n, seconds: 0, endedAt: receipt.endedAt };
    bar.amount += BigInt(receipt.amount);
    bar.seconds += receipt.seconds;
    if (Date.parse(receipt.endedAt) > Date.parse(bar.endedAt)) bar.endedAt = receipt.endedAt;
    byJob.set(receipt.jobId, bar);
  }
  return [...byJob.values()].sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt) || (a.jobId < b.jobId ? -1 : 1)).slice(-max);
}

/** The live tick for a paid run (pure): the run's earnings so far at its rate, and today with them. */
export function tickOf(run: { jobId: string; seconds: number; ratePerSecond: string; earning: boolean } | null, daily: readonly DailyEarning[], nowMs: number, dayOf: (epochMs: number) => string = localDayKey): EarningsTick {
  const day = dayOf(nowMs);
  const runEarned = run ? BigInt(run.ratePerSecond) * BigInt(run.seconds) : 0n;
  return {
    at: new Date(nowMs).toISOString(),
    jobId: run?.jobId ?? null,
    earning: run?.earning ?? false,
    runSeconds: run?.seconds ?? 0,
    runEarned: runEarned.toString(),
    ratePerSecond: run?.ratePerSecond ?? '0',
    today: earningsPeriods(daily, day, runEarned).today,
    day,
  };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
