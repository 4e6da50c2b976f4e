import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserFacingError } from '../../../protocol/errors.js';
import { checkSolanaAddress } from '../../../protocol/solana/address.js';
import type { EarningsSlice } from '../../../protocol/state.js';
import { backupReminder, explorerAddressLink, EXPORT_WARNING, formatSol, formatTokenBalance, type WalletSecretExport, type WalletSlice } from '../../../protocol/wallet.js';
import { ConfSettingsStore } from '../../core/adapters/conf-settings-store.js';
import { systemClock } from '../../core/adapters/console-logger.js';
import { EarningsFile } from '../../core/earnings/earnings-file.js';
import { earningsSlice } from '../../core/earnings/record.js';
import type { Logger } from '../../core/ports.js';
import { SettingsService } from '../../core/settings/settings-service.js';
import { WalletService } from '../../core/wallet/wallet-service.js';
import { dataDirOption, jsonOption, parseCli, printJson, resolveDataDir, UsageError, type CliCommand } from '../cli-kit.js';
import { walletPorts } from '../../compose/node-wiring.js';
import { payoutLines } from './earnings.js';
import { connectDaemon, NoDaemonError, readDaemonInfo, type DaemonInfo } from '../daemon-client.js';
import { reportDaemonFailure } from './status.js';

/** The same four actions on the running Offhours or, when none runs, on the data folder itself (as `git config` would). */
interface WalletTarget {
  /** "the running Offhours" or the data folder: said after a change, so the owner knows when it applies. */
  where: string;
  show(): Promise<{ wallet: WalletSlice; earnings: EarningsSlice | null }>;
  set(address: string): Promise<WalletSlice>;
  create(): Promise<WalletSlice>;
  exportSecret(): Promise<WalletSecretExport>;
}

function daemonTarget(info: DaemonInfo): WalletTarget {
  const { api } = connectDaemon(info);
  return {
    where: 'the running Offhours, which tells the network at once',
    async show() {
      const wallet = await api.refreshWallet();
      return { wallet, earnings: (await api.getState()).earnings };
    },
    set: (address) => api.setWalletAddress(address),
    create: () => api.createWallet(),
    exportSecret: () => api.exportWalletSecret({ confirm: true }),
  };
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Core's own settings and wallet services over a data folder's files (`offhours wallet` and `offhours setup` while Offhours is not running). */
export function openDataFolderWallet(dataDir: string): { settings: SettingsService; wallet: WalletService } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settings = new SettingsService(new ConfSettingsStore(dataDir));
  const notify = (notice: { message: string; nextStep: string | null }) => process.stderr.write(`${notice.message}\n${notice.nextStep ? `  Next: ${notice.nextStep}\n` : ''}`);
  return { settings, wallet: new WalletService({ ...walletPorts(dataDir), settings, clock: systemClock, logger: silent, notify }) };
}

/** Core's own wallet service over the data folder's files: the settings, the sealed key, the earnings record. */
function dataFolderTarget(dataDir: string): WalletTarget {
  const { wallet } = openDataFolderWallet(dataDir);
  const earnings = earningsSlice(new EarningsFile(join(dataDir, 'earnings.json'), silent).load().record);
  wallet.followEarnings(earnings);
  return {
    where: `the data folder ${dataDir} (Offhours is not running; it uses this when it starts)`,
    show: async () => ({ wallet: await wallet.refresh(), earnings }),
    set: async (address) => wallet.setAddress(address),
    create: () => wallet.create(),
    exportSecret: () => wallet.exportSecret(),
  };
}

function targetFor(dataDir: string): WalletTarget {
  try {
    return daemonTarget(readDaemonInfo(dataDir));
  } catch (error) {
    if (error instanceof NoDaemonError) return dataFolderTarget(dataDir);
    throw error;
  }
}

function addressLines(slice: WalletSlice): string[] {
  if (!slice.address) return ['No payout wallet is set yet.', '  Next: paste yours with "offhours wallet set ADDRESS", or create one on this PC with "offhours wallet create".'];
  const lines = ['Wallet', `  Address:   ${slice.address} (${slice.createdHere ? 'created on this PC' : 'pasted'})`];
  if (slice.addressProblem) lines.push(`  ⚠ ${slice.addressProblem}`);
  const link = explorerAddressLink(slice);
  if (link) lines.push(`  Explorer:  ${link}`);
  return lines;
}

function balanceLines(slice: WalletSlice): string[] {
  if (!slice.address || slice.addressProblem) return [];
  if (!slice.chain) return ['  Balances:  shown once a network says which Solana cluster it pays on (start Offhours and let it connect).'];
  const { balances } = slice;
  const lines = [`  SOL:       ${formatSol(balances.lamports)}`, `  ${`${slice.token?.symbol ?? 'Token'}:`.padEnd(10)} ${formatTokenBalance(slice)} (mint ${slice.chain.mint})`];
  if (balances.fetchedAt) lines.push(`  Read:      ${balances.fetchedAt} on ${slice.chain.cluster} (${slice.chain.rpcUrl})`);
  if (balances.error) lines.push(`  ⚠ ${balances.error}`);
  return lines;
}

export function reminderLines(slice: WalletSlice): string[] {
  const reminder = backupReminder(slice);
  return reminder ? ['', `⚠ ${reminder}`, '  Next: offhours wallet export --yes > offhours-wallet.json'] : [];
}

/** `offhours wallet`'s human text: the address, its balances, the backup reminder, then the payouts with their checks. */
export function formatWallet(slice: WalletSlice, earnings: EarningsSlice | null): string {
  const payouts = earnings ? payoutLines(earnings, earnings.token) : [];
  return `${[...addressLines(slice), ...balanceLines(slice), ...reminderLines(slice), ...payouts].join('\n')}\n`;
}

async function show(target: WalletTarget, json: boolean): Promise<number> {
  const { wallet, earnings } = await target.show();
  if (json) printJson({ wallet, payouts: earnings?.payouts ?? [] });
  else process.stdout.write(formatWallet(wallet, earnings));
  return 0;
}

async function set(openTarget: () => WalletTarget, address: string | undefined, json: boolean): Promise<number> {
  if (address === undefined) throw new UsageError('wallet set takes the address to pay out to');
  // Checked before anything is opened, so a typo is explained the same way whether or not the service runs, and changes nothing.
  const check = checkSolanaAddress(address);
  if (!check.ok) throw new UserFacingError('invalid-address', check.message, check.nextStep);
  const target = openTarget();
  const slice = await target.set(check.address);
  if (json) printJson(slice);
  else process.stdout.write(`Payouts now go to ${slice.address}.\n  Saved in ${target.where}.\n`);
  return 0;
}

async function create(target: WalletTarget, json: boolean): Promise<number> {
  const slice = await target.create();
  if (json) printJson(slice);
  else process.stdout.write(`Created a wallet on this PC: ${slice.address}\nIt is now your payout address (saved in ${target.where}).\n${reminderLines(slice).join('\n')}\n`);
  return 0;
}

async function exportSecret(target: WalletTarget): Promise<number> {
  const secret = await target.exportSecret();
  process.stderr.write(`Secret key of ${secret.address} (Solana CLI keypair format):\n${EXPORT_WARNING}\n`);
  // Exactly what `solana-keygen` writes, so `> wallet.json` gives a file every Solana tool reads.
  process.stdout.write(`${JSON.stringify(secret.secretKey)}\n`);
  return 0;
}

async function runSubcommand(positionals: string[], values: { json?: boolean; yes?: boolean; 'data-dir'?: string }): Promise<number> {
  const [action, argument, ...extra] = positionals;
  if (extra.length > 0 || (action !== 'set' && argument !== undefined)) throw new UsageError(`unexpected "${[argument, ...extra].filter(Boolean).join(' ')}"`);
  const target = () => targetFor(resolveDataDir(values['data-dir']));
  const json = values.json === true;
  switch (action) {
    case undefined:
      return show(target(), json);
    case 'set':
      return set(target, argument, json);
    case 'create':
      return create(target(), json);
    case 'export':
      // Asked before anything is opened: the secret key leaves only on an explicit yes.
      if (values.yes !== true) throw new UsageError('wallet export prints the wallet’s secret key; add --yes to confirm that you want it on this screen (or redirect it to a file)');
      return exportSecret(target());
    default:
      throw new UsageError(`unknown wallet action "${action}": use set, create or export`);
  }
}

export const walletCommand: CliCommand = {
  name: 'wallet',
  usage: 'offhours wallet [--json] | wallet set ADDRESS [--json] | wallet create [--json] | wallet export --yes   [--data-dir DIR]',
  async run(argv) {
    const { values, positionals } = parseCli(argv, { ...dataDirOption, ...jsonOption, yes: { type: 'boolean', default: false } }, true);
    try {
      return await runSubcommand(positionals, values);
    } catch (error) {
      return reportDaemonFailure(error);
    }
  },
};
