import { explorerLink, formatRatePerSecond, formatTokenAmount, payoutChainWords, receiptCheckWords, type CheckTone, type TokenUnits } from '../../../protocol/network-format.js';
import type { EarningsSlice } from '../../../protocol/state.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EarningsCsv } from '../../../protocol/earnings-csv.js';
import { earningsPeriods, localDayKey } from '../../../protocol/earnings-stats.js';
import { EarningsFile } from '../../core/earnings/earnings-file.js';
import { earningsCsvOf, earningsSlice } from '../../core/earnings/record.js';
import type { Logger } from '../../core/ports.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';
import { connectDaemon, NoDaemonError, readDaemonInfo, type DaemonInfo } from '../daemon-client.js';
import { reportDaemonFailure } from './status.js';

const MARK: Record<CheckTone, string> = { ok: '✓', info: '…', bad: '⚠' };

/** "in 2 h 5 min" / "due now": how far off the next payout is. */
export function untilText(iso: string, nowMs: number): string {
  const minutes = Math.ceil((Date.parse(iso) - nowMs) / 60_000);
  if (!Number.isFinite(minutes) || minutes <= 0) return 'due now';
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `in ${hours} h ${minutes % 60} min` : `in ${minutes} min`;
}

/** Aligned columns: numbers ('r') to the right so their digits line up; the last column is never padded. */
function table(rows: string[][], align: Array<'l' | 'r'>): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]!.length))) ?? [];
  const cell = (text: string, column: number, last: boolean) => (last ? text : align[column] === 'r' ? text.padStart(widths[column]!) : text.padEnd(widths[column]!));
  return rows.map((row) => `  ${row.map((text, column) => cell(text, column, column === row.length - 1)).join('  ')}`);
}

function summaryLines(slice: EarningsSlice, token: TokenUnits | null, nowMs: number): string[] {
  const summary = slice.summary;
  if (!summary) return ['No earnings reported yet. They appear here once this PC has done paid work for the network.'];
  const figures = [summary.pending, summary.payable, summary.inFlight, summary.paid].map((value) => formatTokenAmount(value, token));
  const width = Math.max(...figures.map((figure) => figure.length));
  const [pending, payable, inFlight, paid] = figures.map((figure) => figure.padStart(width));
  return [
    'Earnings',
    `  Pending:     ${pending}  (earned in work going on now)`,
    `  Payable:     ${payable}  (waiting for the next payout)`,
    `  In flight:   ${inFlight}  (in a payout not confirmed yet)`,
    `  Paid:        ${paid}  (confirmed on chain, all time)`,
    `  Next payout: ${summary.nextPayoutAt ? `${summary.nextPayoutAt} (${untilText(summary.nextPayoutAt, nowMs)})` : 'not scheduled'}`,
  ];
}

function receiptLines(slice: EarningsSlice, token: TokenUnits | null): string[] {
  if (slice.receipts.length === 0) return [];
  const rows = slice.receipts.map(({ receipt: { body }, check }) => {
    const words = receiptCheckWords(check);
    return [body.jobId, `${body.seconds} s`, formatRatePerSecond(body.ratePerSecond, token), formatTokenAmount(body.amount, token), `${MARK[words.tone]} ${check === 'verified' ? 'verified' : `${words.label}: ${words.explain}`}`];
  });
  return ['', 'Receipts (newest first): job, seconds worked, rate, amount, signature check', ...table(rows, ['l', 'r', 'r', 'r', 'l'])];
}

/** The payout history with each on-chain check and explorer link (also under `offhours wallet`). */
export function payoutLines(slice: EarningsSlice, token: TokenUnits | null): string[] {
  if (slice.payouts.length === 0) return [];
  const where = slice.chain ? `checked on ${slice.chain.cluster} at ${slice.chain.rpcUrl}` : 'not checked: the network has not said where it pays out';
  const rows = slice.payouts.map(({ payout, chain }) => {
    const words = payoutChainWords(chain, payout.state);
    const link = explorerLink(slice.chain?.explorerTxUrl ?? null, payout.signature);
    return [formatTokenAmount(payout.amount, token), payout.signature ?? 'no transaction yet', `${MARK[words.tone]} ${words.label}${words.tone === 'bad' ? `: ${words.explain}` : ''}${link ? ` ${link}` : ''}`];
  });
  return ['', `Payouts (newest first), ${where}`, ...table(rows, ['r', 'l', 'l'])];
}

function periodLines(slice: EarningsSlice, token: TokenUnits | null, nowMs: number): string[] {
  if (slice.daily.length === 0) return [];
  const periods = earningsPeriods(slice.daily, localDayKey(nowMs));
  const figures = [periods.today, periods.last7Days, periods.last30Days].map((value) => formatTokenAmount(value, token));
  const width = Math.max(...figures.map((figure) => figure.length));
  const [today, week, month] = figures.map((figure) => figure.padStart(width));
  return ['', 'Earned (jobs that ended in each period)', `  Today:        ${today}`, `  Last 7 days:  ${week}`, `  Last 30 days: ${month}`];
}

/** `offhours earnings`'s human text. Amounts come from integer strings, never floats. */
export function formatEarnings(slice: EarningsSlice, nowMs: number, fallbackToken: TokenUnits | null = null): string {
  const token = slice.token ?? fallbackToken;
  return `${[...summaryLines(slice, token, nowMs), ...periodLines(slice, token, nowMs), ...receiptLines(slice, token), ...payoutLines(slice, token)].join('\n')}\n`;
}

/** What `offhours earnings` reads: the running Offhours, or (none running) the record it keeps in the data folder. */
interface EarningsSource {
  where: string;
  fromDataFolder: boolean;
  slice(): Promise<{ slice: EarningsSlice; token: TokenUnits | null }>;
  csv(): Promise<EarningsCsv>;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function daemonSource(info: DaemonInfo): EarningsSource {
  const { api } = connectDaemon(info);
  return {
    where: 'the running Offhours',
    fromDataFolder: false,
    async slice() {
      const state = await api.getState();
      const network = state.network.network;
      return { slice: state.earnings, token: network ? { symbol: network.tokenSymbol, decimals: network.tokenDecimals } : null };
    },
    csv: () => api.exportEarningsCsv(),
  };
}

function dataFolderSource(dataDir: string): EarningsSource {
  const file = join(dataDir, 'earnings.json');
  const load = () => {
    if (!existsSync(file)) throw new NoDaemonError(`No earnings are recorded in ${dataDir} yet, and Offhours is not running.\n  Next: start it ("offhours headless" or the desktop app); earnings appear once this PC has done paid work.`);
    const loaded = new EarningsFile(file, silent).load();
    if (loaded.damaged) throw new NoDaemonError(`The earnings record in ${dataDir} could not be read; it was set aside as ${loaded.damaged.setAsideAs}.\n  Next: start Offhours: the network sends your receipts and payouts again when it connects.`);
    return loaded.record;
  };
  return {
    where: dataDir,
    fromDataFolder: true,
    slice: async () => ({ slice: earningsSlice(load()), token: null }),
    csv: async () => earningsCsvOf(load(), Date.now()),
  };
}

function sourceFor(dataDir: string): EarningsSource {
  try {
    return daemonSource(readDaemonInfo(dataDir));
  } catch (error) {
    if (error instanceof NoDaemonError) return dataFolderSource(dataDir);
    throw error;
  }
}

/** Writes the CSV to a file (never over an existing one) or to standard output with "-". */
function writeCsv(file: EarningsCsv, target: string): string {
  if (target === '-') {
    process.stdout.write(file.csv);
    return '';
  }
  const path = resolve(target === '' ? file.filename : target);
  try {
    writeFileSync(path, file.csv, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${path} already exists; Offhours never overwrites a file. Give another name, e.g. --csv earnings-${Date.now()}.csv`);
    throw error;
  }
  return `Wrote ${file.rows} receipt${file.rows === 1 ? '' : 's'} to ${path}\n`;
}

export const earningsCommand: CliCommand = {
  name: 'earnings',
  usage: 'offhours earnings [--data-dir DIR] [--json] [--csv [FILE|-]]  (--csv alone writes offhours-earnings-DATE.csv here)',
  async run(argv) {
    const csvAt = argv.findIndex((arg) => arg === '--csv' || arg.startsWith('--csv='));
    // --csv takes an optional value: "--csv" alone (or before another option) means the default file name.
    const { csvTarget, rest } = csvArgument(argv, csvAt);
    const { values } = parseCli(rest, { ...dataDirOption, ...jsonOption });
    const source = sourceFor(resolveDataDir(values['data-dir']));
    try {
      if (csvTarget !== null) {
        process.stderr.write(writeCsv(await source.csv(), csvTarget));
        return 0;
      }
      const { slice, token } = await source.slice();
      if (values.json) {
        printJson(slice);
        return 0;
      }
      if (source.fromDataFolder) process.stderr.write(`Offhours is not running: this is what it recorded in ${source.where}.\n`);
      process.stdout.write(formatEarnings(slice, Date.now(), token));
      return 0;
    } catch (error) {
      return reportDaemonFailure(error);
    }
  },
};

function csvArgument(argv: string[], at: number): { csvTarget: string | null; rest: string[] } {
  if (at < 0) return { csvTarget: null, rest: argv };
  const arg = argv[at]!;
  if (arg.startsWith('--csv=')) return { csvTarget: arg.slice('--csv='.length), rest: argv.filter((_, i) => i !== at) };
  const next = argv[at + 1];
  if (next !== undefined && (next === '-' || !next.startsWith('--'))) return { csvTarget: next, rest: argv.filter((_, i) => i !== at && i !== at + 1) };
  return { csvTarget: '', rest: argv.filter((_, i) => i !== at) };
}
