/**
 * The Earnings page's time figures, pure: the live ticker's card, today / 7 days / 30 days / all time, and the two
 * charts' series. Money shown as text always comes from integer base units; the charts alone turn amounts into
 * floating-point numbers, for bar heights only.
 */
import { countsInTotals, dailySeries, earningsPeriods, jobSeries, localDayKey, type EarningsTick } from '../../../../protocol/earnings-stats.js';
import { formatBaseUnits, formatRatePerSecond, formatTokenAmount, type TokenUnits } from '../../../../protocol/network-format.js';
import type { EarningsSlice } from '../../../../protocol/state.js';

export interface LiveCard {
  jobId: string;
  earning: boolean;
  runEarned: string;
  runTime: string;
  rate: string;
}

export interface PeriodFigure {
  id: 'today' | 'week' | 'month' | 'all-time';
  label: string;
  value: string;
  hint: string;
}

export interface ChartSeries {
  labels: string[];
  /** The token's decimals, for the axis. */
  decimals: number;
  /** Bar heights in whole tokens (floats: drawing only). */
  values: number[];
  /** The exact amount of each bar, for its tooltip. */
  exact: string[];
}

/** "1 h 02 min 05 s" for a run's worked time. */
export function runTime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  return m > 0 ? `${m} min ${String(s).padStart(2, '0')} s` : `${s} s`;
}

/** The run going on now, while core's ticks say one is (a tick that says none, or none yet: no card). */
export function liveCard(tick: EarningsTick | null, token: TokenUnits | null): LiveCard | null {
  if (!tick || tick.jobId === null) return null;
  return { jobId: tick.jobId, earning: tick.earning, runEarned: formatTokenAmount(tick.runEarned, token), runTime: runTime(tick.runSeconds), rate: formatRatePerSecond(tick.ratePerSecond, token) };
}

/** The live run's earnings, when the tick is about today's date here (a tick from before midnight adds nothing to a new day). */
function liveToday(tick: EarningsTick | null, today: string): bigint {
  return tick && tick.jobId !== null && tick.day === today ? BigInt(tick.runEarned) : 0n;
}

/**
 * What the network credited, with the live run: the network's "pending" is the run it has metered so far (every
 * few seconds), the ticker the same run counted to the second, so the larger of the two stands for it.
 */
function allTime(slice: EarningsSlice, live: bigint): bigint | null {
  const s = slice.summary;
  if (!s) return null;
  const pending = BigInt(s.pending);
  return (live > pending ? live : pending) + BigInt(s.payable) + BigInt(s.inFlight) + BigInt(s.paid);
}

export function periodFigures(slice: EarningsSlice, tick: EarningsTick | null, nowMs: number, token: TokenUnits | null): PeriodFigure[] {
  const today = localDayKey(nowMs);
  const live = liveToday(tick, today);
  const periods = earningsPeriods(slice.daily, today, live);
  const total = allTime(slice, tick && tick.jobId !== null ? BigInt(tick.runEarned) : 0n);
  return [
    { id: 'today', label: 'Today', value: formatTokenAmount(periods.today, token), hint: tick?.jobId ? 'Counting up live with the job now' : 'Jobs that ended today' },
    { id: 'week', label: 'Last 7 days', value: formatTokenAmount(periods.last7Days, token), hint: 'Today and the 6 days before' },
    { id: 'month', label: 'Last 30 days', value: formatTokenAmount(periods.last30Days, token), hint: 'Today and the 29 days before' },
    { id: 'all-time', label: 'All time', value: total === null ? '—' : formatTokenAmount(total.toString(), token), hint: 'Everything the network credited this PC' },
  ];
}

function tokens(amount: bigint, decimals: number): number {
  return Number(formatBaseUnits(amount.toString(), decimals));
}

const ENDED_LABEL = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY_LABEL = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** The last 30 days, one bar each (today with the live run on it). */
export function dailyChart(slice: EarningsSlice, tick: EarningsTick | null, nowMs: number, token: TokenUnits | null): ChartSeries {
  const today = localDayKey(nowMs);
  const bars = dailySeries(slice.daily, today, 30, liveToday(tick, today));
  const decimals = token?.decimals ?? 0;
  return {
    labels: bars.map((bar) => DAY_LABEL.format(new Date(`${bar.day}T00:00:00Z`))),
    decimals,
    values: bars.map((bar) => tokens(bar.amount, decimals)),
    exact: bars.map((bar) => formatTokenAmount(bar.amount.toString(), token)),
  };
}

/** The newest jobs (every run of a job summed), oldest first; receipts that failed their check count nowhere. */
export function jobChart(slice: EarningsSlice, token: TokenUnits | null): ChartSeries {
  const bars = jobSeries(slice.receipts.filter((entry) => countsInTotals(entry.check)).map((entry) => entry.receipt.body));
  const decimals = token?.decimals ?? 0;
  return {
    // Job ids are long: the axis shows when each ended, the caption names the job.
    labels: bars.map((bar) => ENDED_LABEL.format(new Date(bar.endedAt))),
    decimals,
    values: bars.map((bar) => tokens(bar.amount, decimals)),
    exact: bars.map((bar) => `job ${bar.jobId} · ${formatTokenAmount(bar.amount.toString(), token)} · ${runTime(bar.seconds)}`),
  };
}

export interface MachineRow {
  providerId: string;
  label: string;
  self: boolean;
  online: boolean;
  /** "Online" or "Last seen 30 Nov, 10:04", or "Never connected". */
  presence: string;
  earned: string;
  paid: string;
}

export interface SharedWalletView {
  machines: MachineRow[];
  /** Machines of this wallet not listed (too many for one message). */
  more: number;
  totalEarned: string;
  totalPaid: string;
}

function presenceOf(machine: { self: boolean; online: boolean; lastSeenAt: string | null }, connected: boolean): string {
  if (machine.self) return connected ? 'Online' : 'Offline now';
  const known = machine.online ? 'Online' : machine.lastSeenAt ? `Last seen ${new Date(machine.lastSeenAt).toLocaleString()}` : 'Never connected';
  return connected ? known : `${known} (last known)`;
}

function earnedOf(balances: { pending: string; payable: string; inFlight: string; paid: string }): string {
  return (BigInt(balances.pending) + BigInt(balances.payable) + BigInt(balances.inFlight) + BigInt(balances.paid)).toString();
}

/**
 * Every PC paid to this wallet and the total, as the network said; null when it has not said. While this PC is not
 * connected, it is shown offline and the others as last reported.
 */
export function sharedWalletView(slice: EarningsSlice, token: TokenUnits | null, connected = true): SharedWalletView | null {
  const shared = slice.sharedWallet;
  if (!shared) return null;
  return {
    machines: shared.machines.map((machine) => ({
      providerId: machine.providerId,
      label: machine.self ? `This PC (${machine.label})` : machine.label,
      self: machine.self,
      online: machine.self ? connected : machine.online && connected,
      presence: presenceOf(machine, connected),
      earned: formatTokenAmount(earnedOf(machine), token),
      paid: formatTokenAmount(machine.paid, token),
    })),
    more: shared.more,
    totalEarned: formatTokenAmount(earnedOf(shared.total), token),
    totalPaid: formatTokenAmount(shared.total.paid, token),
  };
}
