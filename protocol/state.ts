import { AvailabilitySchema } from './availability.js';
import { z } from 'zod';
import { GpuInventorySchema } from './gpu.js';
import { JobSliceSchema } from './job-spec.js';
import { NetProfitSchema } from './net-profit.js';
import { EarningsSummarySchema, NetworkInfoSchema, ProviderPayoutSchema, ProviderStandingSchema, SharedWalletSchema, SolanaClusterSchema } from './network.js';
import { JobReceiptSchema } from './receipts.js';
import { DailyEarningSchema, MAX_DAILY_DAYS } from './earnings-stats.js';
import { UpdateSliceSchema } from './update.js';
import { WalletSliceSchema } from './wallet.js';

export const NoticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  message: z.string(),
  nextStep: z.string().nullable(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/**
 * Everything the UI and the tray show, owned by core and pushed on every change.
 * The renderer mirrors it and never edits it.
 */
/**
 * The link to the network (electron/core/network): which coordinator, whether we are connected and why not,
 * and the coordinator's view of this provider. `offhours network --json` prints exactly this.
 */
export const NetworkSliceSchema = z.object({
  /** 'embedded': a local coordinator and local Solana started by the app; 'remote': a configured URL; 'off': no network. */
  mode: z.enum(['embedded', 'remote', 'off']),
  /** The coordinator's base URL, once known (the embedded one picks its port at start). */
  url: z.string().nullable(),
  connection: z.enum(['off', 'starting', 'connecting', 'connected', 'unreachable', 'refused']),
  /** Plain words for the connection state, e.g. "Network unreachable, retrying in 8 s". */
  message: z.string(),
  /** When the next reconnect attempt is due (ISO), while unreachable. */
  nextRetryAt: z.string().nullable(),
  network: NetworkInfoSchema.nullable(),
  providerId: z.string().nullable(),
  sessionId: z.string().nullable(),
  enrolled: z.boolean(),
  standing: ProviderStandingSchema.nullable(),
  lastConnectedAt: z.string().nullable(),
});
export type NetworkSlice = z.infer<typeof NetworkSliceSchema>;

export function initialNetworkSlice(mode: NetworkSlice['mode'] = 'off'): NetworkSlice {
  return { mode, url: null, connection: mode === 'off' ? 'off' : 'starting', message: mode === 'off' ? 'Not connected to any network' : 'Starting', nextRetryAt: null, network: null, providerId: null, sessionId: null, enrolled: false, standing: null, lastConnectedAt: null };
}

/**
 * What the app checked of a receipt: 'verified' (the connected network's key signed exactly these fields and the
 * amount is rate × seconds), or why not ('no-key': the network never said which key signs its receipts).
 */
export const ReceiptCheckStateSchema = z.enum(['verified', 'malformed', 'wrong-key', 'bad-signature', 'wrong-amount', 'no-key']);
export type ReceiptCheckState = z.infer<typeof ReceiptCheckStateSchema>;

/**
 * What the app found on chain for a payout: 'verified', 'checking' (due or being re-tried), 'not-paid' (the network
 * has not marked it paid, so there is nothing to look up yet), 'unreachable' (the RPC did not answer; tried again
 * later), or the mismatch the chain showed.
 */
export const PayoutChainStateSchema = z.enum(['verified', 'checking', 'not-paid', 'unreachable', 'not-found', 'failed', 'wrong-amount', 'wrong-recipient', 'wrong-mint']);
export type PayoutChainState = z.infer<typeof PayoutChainStateSchema>;

/**
 * Money this PC earned (electron/core/earnings): the network's summary, its signed receipts and its payouts, each
 * with what the app checked itself, newest first. Kept on disk, so it shows before the network is reached.
 * `offhours earnings --json` prints exactly this.
 */
export const EarningsSliceSchema = z.object({
  /** The network's latest summary (base units); null until it sent one. */
  summary: EarningsSummarySchema.nullable(),
  receipts: z.array(z.object({ receipt: JobReceiptSchema, check: ReceiptCheckStateSchema })),
  payouts: z.array(z.object({ payout: ProviderPayoutSchema, chain: PayoutChainStateSchema })),
  /** Where payouts are checked; null while the network has not said (or does not pay out). */
  chain: z
    .object({
      cluster: SolanaClusterSchema,
      rpcUrl: z.string(),
      mint: z.string(),
      /** A public explorer's page for a transaction with "{signature}" in place of it; null where none can show it (localnet, custom). */
      explorerTxUrl: z.string().nullable(),
    })
    .nullable(),
  /** The payout token, to show amounts; null until a network said. */
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(18) }).nullable(),
  /** When any of this last changed (ISO); null when nothing was ever received. */
  updatedAt: z.string().nullable(),
  /**
   * What each local day earned, from every receipt kept (not only the ones above) that did not fail its check,
   * oldest first; the windows (today, 7 and 30 days) are picked from it with protocol/earnings-stats.ts.
   */
  daily: z.array(DailyEarningSchema).max(MAX_DAILY_DAYS),
  /** This PC and every other paid to the same wallet, with their totals, as the network last said; null when it has not. */
  sharedWallet: SharedWalletSchema.nullable(),
});
export type EarningsSlice = z.infer<typeof EarningsSliceSchema>;

export function initialEarningsSlice(): EarningsSlice {
  return { summary: null, receipts: [], payouts: [], chain: null, token: null, updatedAt: null, daily: [], sharedWallet: null };
}

export const ProviderStateSchema = z.object({
  /** Increases on every change, so a client can drop out-of-order snapshots. */
  revision: z.number().int().nonnegative(),
  mode: z.enum(['desktop', 'headless']),
  appVersion: z.string(),
  dataDir: z.string(),
  /** Null until the first detection finishes. */
  gpus: GpuInventorySchema.nullable(),
  detectingGpus: z.boolean(),
  notices: z.array(NoticeSchema),
  /** The container engine, the job on this machine now, and recent jobs (electron/core/jobs). */
  job: JobSliceSchema,
  /** The availability scheduler: state, reason and the plain right-now/next sentence (electron/core/schedule). Null until its first sample. */
  availability: AvailabilitySchema.nullable(),
  /** The coordinator link (electron/core/network). */
  network: NetworkSliceSchema,
  /** Receipts and payouts, each checked by the app itself (electron/core/earnings). */
  earnings: EarningsSliceSchema,
  /** Net per hour of work after the GPUs' electricity (electron/core/earnings/net-profit.ts); null without an electricity price, a rate or a token. */
  profit: NetProfitSchema.nullable(),
  /** The payout wallet: address, created here or pasted, backup, balances (electron/core/wallet). Never its secret key. */
  wallet: WalletSliceSchema,
  /** This copy's version updates: the desktop app's own updater, or who updates it (headless: the package manager). */
  update: UpdateSliceSchema,
});
export type ProviderState = z.infer<typeof ProviderStateSchema>;
