import { describe, expect, it } from 'vitest';
import type { EarningsTick } from '../../../../protocol/earnings-stats.js';
import type { ReceiptBody } from '../../../../protocol/receipts.js';
import { initialEarningsSlice, type EarningsSlice } from '../../../../protocol/state.js';
import { axisValue } from '../../components/BarChart.js';
import { dailyChart, jobChart, liveCard, periodFigures, runTime, sharedWalletView } from './earnings-figures.js';

const TOKEN = { symbol: 'OFFT', decimals: 6 };
// Noon local time: the day key is the same in any zone the tests run in.
const NOW = new Date(2026, 10, 30, 12, 0, 0).getTime();

function tick(patch: Partial<EarningsTick> = {}): EarningsTick {
  return { at: new Date(NOW).toISOString(), jobId: 'job-9', earning: true, runSeconds: 125, runEarned: '3125', ratePerSecond: '25', today: '0', day: '2026-11-30', ...patch };
}

function body(n: number, endedAt: string, amount: string): ReceiptBody {
  return { receiptId: `r${n}`, coordinatorId: 'c', coordinatorPublicKey: 'ab'.repeat(32), jobId: `job-${n}`, attempt: 1, providerId: 'p', outcome: 'finished', startedAt: null, endedAt, seconds: 60, ratePerSecond: '1', amount, ledgerEntryIds: ['1'], issuedAt: endedAt };
}

const slice: EarningsSlice = {
  ...initialEarningsSlice(),
  summary: { pending: '1', payable: '2', inFlight: '3', paid: '1000000', nextPayoutAt: null },
  daily: [
    { day: '2026-11-30', amount: '500000', seconds: 60, runs: 1 },
    { day: '2026-11-25', amount: '250000', seconds: 60, runs: 1 },
    { day: '2026-11-05', amount: '1', seconds: 1, runs: 1 },
  ],
  receipts: [
    { receipt: { body: body(2, '2026-11-30T10:00:00Z', '500000'), signature: 'a'.repeat(128) }, check: 'verified' },
    { receipt: { body: body(1, '2026-11-25T10:00:00Z', '250000'), signature: 'a'.repeat(128) }, check: 'verified' },
    { receipt: { body: body(3, '2026-11-29T10:00:00Z', '999999'), signature: 'a'.repeat(128) }, check: 'bad-signature' },
  ],
};

describe('earnings figures', () => {
  it('shows the live run while core ticks, and nothing once it says the run ended', () => {
    expect(liveCard(tick(), TOKEN)).toEqual({ jobId: 'job-9', earning: true, runEarned: '0.003125 OFFT', runTime: '2 min 05 s', rate: '0.09 OFFT per hour' });
    expect(liveCard(tick({ jobId: null }), TOKEN)).toBeNull();
    expect(liveCard(null, TOKEN)).toBeNull();
  });

  it('adds the live run to today, 7 and 30 days; all time is what the network credited', () => {
    const figures = Object.fromEntries(periodFigures(slice, tick(), NOW, TOKEN).map((f) => [f.id, f.value]));
    // All time: the live run (3125) stands for the network's pending (1), which is the same run metered less far.
    expect(figures).toEqual({ today: '0.503125 OFFT', week: '0.753125 OFFT', month: '0.753126 OFFT', 'all-time': '1.00313 OFFT' });
  });

  it('does not add a run from yesterday’s tick to a new day', () => {
    const figures = periodFigures(slice, tick({ day: '2026-11-29' }), NOW, TOKEN);
    expect(figures[0]!.value).toBe('0.5 OFFT');
  });

  it('draws 30 daily bars with the live run on today, and one bar per job without receipts that failed their check', () => {
    const daily = dailyChart(slice, tick(), NOW, TOKEN);
    expect(daily.values).toHaveLength(30);
    expect(daily.values.at(-1)).toBeCloseTo(0.503125, 9);
    expect(daily.exact.at(-1)).toBe('0.503125 OFFT');
    const jobs = jobChart(slice, TOKEN);
    expect(jobs.labels).toHaveLength(2);
    expect(jobs.exact).toEqual(['job job-1 · 0.25 OFFT · 1 min 00 s', 'job job-2 · 0.5 OFFT · 1 min 00 s']);
    expect(jobs.decimals).toBe(6);
  });

  it('writes run times a gamer reads at a glance', () => {
    expect(runTime(5)).toBe('5 s');
    expect(runTime(3725)).toBe('1 h 02 min 05 s');
  });
});

describe('PCs paid to one wallet', () => {
  const machine = (providerId: string, self: boolean, online: boolean, paid: string) => ({ providerId, label: providerId.slice(0, 10), self, online, lastSeenAt: online ? null : '2026-11-29T10:00:00Z', pending: '1', payable: '2', inFlight: '3', paid });

  it('lists each PC with what it earned and was paid, this one marked, and the total over all of them', () => {
    const view = sharedWalletView(
      {
        ...slice,
        sharedWallet: {
          address: 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr',
          machines: [machine('prv_aaaaaaaaaa1', true, true, '1000000'), machine('prv_bbbbbbbbbb2', false, false, '18446744073709551615')],
          more: 1,
          total: { pending: '3', payable: '6', inFlight: '9', paid: '18446744073711551615' },
        },
      },
      TOKEN,
    )!;
    expect(view.machines.map((m) => [m.label, m.self, m.earned, m.paid])).toEqual([
      ['This PC (prv_aaaaaa)', true, '1.000006 OFFT', '1 OFFT'],
      ['prv_bbbbbb', false, '18446744073709.551621 OFFT', '18446744073709.551615 OFFT'],
    ]);
    expect(view.machines[0]!.presence).toBe('Online');
    expect(view.machines[1]!.presence).toMatch(/^Last seen /);
    expect(view.more).toBe(1);
    expect(view.totalEarned).toBe('18446744073711.551633 OFFT');
  });

  it('shows this PC offline, and the others as last known, while not connected', () => {
    const view = sharedWalletView({ ...slice, sharedWallet: { address: 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr', machines: [machine('prv_aaaaaaaaaa1', true, true, '0'), machine('prv_bbbbbbbbbb2', false, true, '0')], more: 0, total: { pending: '0', payable: '0', inFlight: '0', paid: '0' } } }, TOKEN, false)!;
    expect(view.machines.map((m) => [m.presence, m.online])).toEqual([['Offline now', false], ['Online (last known)', false]]);
  });

  it('shows nothing until the network said', () => {
    expect(sharedWalletView(slice, TOKEN)).toBeNull();
  });
});

describe('chart axis values', () => {
  it('keeps tiny token amounts readable, without exponents or a row of zeros', () => {
    expect(axisValue(0.00003, 9)).toBe('0.00003');
    expect(axisValue(0, 9)).toBe('0');
    expect(axisValue(1.5, 6)).toBe('1.5');
    expect(axisValue(2, 0)).toBe('2');
  });
});
