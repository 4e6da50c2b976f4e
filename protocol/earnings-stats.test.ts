import { describe, expect, it } from 'vitest';
import { dailyEarnings, dailySeries, daysEndingOn, earningsPeriods, jobSeries, localDayKey, tickOf, type DailyEarning } from './earnings-stats.js';

/** A fixed zone for the tests: UTC+2 (the day starts at 22:00 UTC the evening before). */
const plusTwo = (ms: number) => new Date(ms + 2 * 3600_000).toISOString().slice(0, 10);

describe('daysEndingOn', () => {
  it('counts back across month and year ends and leap days', () => {
    expect(daysEndingOn('2026-03-01', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(daysEndingOn('2028-03-01', 2)).toEqual(['2028-02-29', '2028-03-01']);
    expect(daysEndingOn('2027-01-01', 2)).toEqual(['2026-12-31', '2027-01-01']);
    expect(daysEndingOn('2026-11-30', 30)).toHaveLength(30);
    expect(daysEndingOn('2026-11-30', 30)[0]).toBe('2026-11-01');
  });
});

describe('dailyEarnings', () => {
  it('buckets receipts by the local day they ended, summing exactly in base units', () => {
    const daily = dailyEarnings(
      [
        { endedAt: '2026-11-29T21:59:59Z', amount: '18446744073709551615', seconds: 10 }, // 23:59:59 local, the 29th
        { endedAt: '2026-11-29T22:00:00Z', amount: '5', seconds: 1 }, // 00:00 local, the 30th
        { endedAt: '2026-11-30T10:00:00Z', amount: '18446744073709551615', seconds: 20 },
      ],
      plusTwo,
    );
    expect(daily).toEqual([
      { day: '2026-11-29', amount: '18446744073709551615', seconds: 10, runs: 1 },
      { day: '2026-11-30', amount: '18446744073709551620', seconds: 21, runs: 2 },
    ]);
  });

  it('keeps only the newest 90 days that earned', () => {
    const receipts = Array.from({ length: 100 }, (_, i) => ({ endedAt: new Date(Date.UTC(2026, 0, 1 + i, 12)).toISOString(), amount: '1', seconds: 1 }));
    const daily = dailyEarnings(receipts, plusTwo);
    expect(daily).toHaveLength(90);
    expect(daily[0]!.day).toBe('2026-01-11');
    expect(daily.at(-1)!.day).toBe('2026-04-10');
  });

  it('skips a receipt whose end time cannot be read instead of failing', () => {
    expect(dailyEarnings([{ endedAt: 'not a date', amount: '1', seconds: 1 }], plusTwo)).toEqual([]);
  });
});

describe('earningsPeriods', () => {
  const daily: DailyEarning[] = [
    { day: '2026-10-31', amount: '1000', seconds: 1, runs: 1 }, // 31 days back: outside every window
    { day: '2026-11-01', amount: '100', seconds: 1, runs: 1 }, // the 30th day back
    { day: '2026-11-24', amount: '10', seconds: 1, runs: 1 }, // the 7th day back
    { day: '2026-11-30', amount: '1', seconds: 1, runs: 1 },
    { day: '2026-12-01', amount: '7777', seconds: 1, runs: 1 }, // "tomorrow": a clock that went back
  ];

  it('sums today, the last 7 and the last 30 days, today included, plus the live run', () => {
    expect(earningsPeriods(daily, '2026-11-30')).toEqual({ today: '1', last7Days: '11', last30Days: '111' });
    expect(earningsPeriods(daily, '2026-11-30', 5n)).toEqual({ today: '6', last7Days: '16', last30Days: '116' });
  });

  it('moves with the day without a new daily series (a new day starts at zero)', () => {
    expect(earningsPeriods(daily, '2026-12-02')).toEqual({ today: '0', last7Days: '7778', last30Days: '7788' });
  });
});

describe('dailySeries and jobSeries', () => {
  it('has a bar for every one of the last 30 days, zero where nothing was earned, the live run on today', () => {
    const series = dailySeries([{ day: '2026-11-29', amount: '4', seconds: 1, runs: 1 }], '2026-11-30', 30, 3n);
    expect(series).toHaveLength(30);
    expect(series.at(-2)).toEqual({ day: '2026-11-29', amount: 4n });
    expect(series.at(-1)).toEqual({ day: '2026-11-30', amount: 3n });
    expect(series.filter((bar) => bar.amount === 0n)).toHaveLength(28);
  });

  it('sums every run of a job into one bar, newest jobs last, at most the given count', () => {
    const bars = jobSeries([
      { jobId: 'b', endedAt: '2026-11-30T10:00:00Z', amount: '5', seconds: 5 },
      { jobId: 'a', endedAt: '2026-11-30T09:00:00Z', amount: '2', seconds: 2 },
      { jobId: 'b', endedAt: '2026-11-30T08:00:00Z', amount: '1', seconds: 1 },
      { jobId: 'c', endedAt: '2026-11-30T11:00:00Z', amount: '9', seconds: 9 },
    ], 2);
    expect(bars).toEqual([
      { jobId: 'b', amount: 6n, seconds: 6, endedAt: '2026-11-30T10:00:00Z' },
      { jobId: 'c', amount: 9n, seconds: 9, endedAt: '2026-11-30T11:00:00Z' },
    ]);
  });
});

describe('tickOf', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  const daily: DailyEarning[] = [{ day: '2026-11-30', amount: '100', seconds: 10, runs: 1 }];

  it('counts the run so far at its rate, and today with it', () => {
    const tick = tickOf({ jobId: 'job-1', seconds: 42, ratePerSecond: '3', earning: true }, daily, now, plusTwo);
    expect(tick).toEqual({ at: '2026-11-30T12:00:00.000Z', jobId: 'job-1', earning: true, runSeconds: 42, runEarned: '126', ratePerSecond: '3', today: '226', day: '2026-11-30' });
  });

  it('says when no paid job runs, with today from receipts alone', () => {
    expect(tickOf(null, daily, now, plusTwo)).toMatchObject({ jobId: null, earning: false, runSeconds: 0, runEarned: '0', today: '100' });
  });

  it('uses the machine’s local date by default', () => {
    const local = new Date(2026, 10, 30, 0, 30).getTime();
    expect(localDayKey(local)).toBe('2026-11-30');
  });
});
