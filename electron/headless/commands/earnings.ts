import { explorerLink, formatRatePerSecond, formatTokenAmount, payoutChainWords, receiptCheckWords, type CheckTone, type TokenUnits } from '../../../protocol/network-format.js';
import { EarningsSliceSchema, NetworkSliceSchema, type EarningsSlice } from '../../../protocol/state.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, type CliCommand } from '../cli-kit.js';
import { callDaemon, NoDaemonError, readDaemonInfo } from './status.js';

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

/** `offhours earnings`'s human text. Amounts come from integer strings, never floats. */
export function formatEarnings(slice: EarningsSlice, nowMs: number, fallbackToken: TokenUnits | null = null): string {
  const token = slice.token ?? fallbackToken;
  return `${[...summaryLines(slice, token, nowMs), ...receiptLines(slice, token), ...payoutLines(slice, token)].join('\n')}\n`;
}

export const earningsCommand: CliCommand = {
  name: 'earnings',
  usage: 'offhours earnings [--data-dir DIR] [--json]',
  async run(argv) {
    const { values } = parseCli(argv, { ...dataDirOption, ...jsonOption });
    try {
      const info = readDaemonInfo(resolveDataDir(values['data-dir']));
      const state = (await callDaemon(info, 'getState')) as { earnings?: unknown; network?: unknown };
      if (state.earnings === undefined) throw new NoDaemonError('The running Offhours is older than this command and keeps no earnings record.\n  Next: restart it ("offhours headless" or the desktop app), then try again.');
      const slice = EarningsSliceSchema.parse(state.earnings);
      if (values.json) {
        printJson(slice);
        return 0;
      }
      const network = NetworkSliceSchema.safeParse(state.network).data?.network;
      process.stdout.write(formatEarnings(slice, Date.now(), network ? { symbol: network.tokenSymbol, decimals: network.tokenDecimals } : null));
      return 0;
    } catch (error) {
      if (!(error instanceof NoDaemonError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 3;
    }
  },
};
