import { z } from 'zod';
import { AvailabilityTransitionSchema, PauseRequestSchema, PreemptionEventSchema } from './availability.js';
import { BenchProgressSchema, BenchRunRequestSchema, BenchRunSummarySchema } from './bench/wgsl/api-schemas.js';
import { DoctorReportSchema } from './doctor.js';
import { EarningsCsvSchema } from './earnings-csv.js';
import { EarningsTickSchema } from './earnings-stats.js';
import { GpuInventorySchema } from './gpu.js';
import { EngineStatusSchema, JobLogsSchema, RunLocalJobResultSchema } from './job-spec.js';
import { SettingsPatchSchema, SettingsPushSchema, SettingsSchema } from './settings.js';
import { CompleteSetupRequestSchema } from './setup.js';
import { ProviderStateSchema } from './state.js';
import { RevealLogsResultSchema } from './update.js';
import { WalletExportRequestSchema, WalletSecretExportSchema, WalletSliceSchema } from './wallet.js';

/**
 * The one contract between the UI and core. Electron IPC and the headless HTTP/WebSocket API
 * are both generated from these two tables; nothing else defines a channel.
 */
interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
}
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> => ({ input, output });
const noInput = z.undefined();

export const providerMethods = {
  getState: method(noInput, ProviderStateSchema),
  detectGpus: method(noInput, GpuInventorySchema),
  getSettings: method(noInput, SettingsSchema),
  updateSettings: method(SettingsPatchSchema, SettingsSchema),
  dismissNotice: method(z.string().min(1).max(200), z.null()),
  /** Quick actions of the scheduler: pause for a while / until tomorrow / until resumed, and resume. */
  pauseEarning: method(PauseRequestSchema, SettingsSchema),
  resumeEarning: method(noInput, SettingsSchema),
  /** Runs a job spec (JSON text) on this machine to test the setup; a refused spec comes back with its reason. */
  runLocalJob: method(z.string().max(256 * 1024), RunLocalJobResultSchema),
  /** The live log lines (bounded buffer) of the job running now. */
  getJobLogs: method(z.string().min(1).max(64), JobLogsSchema),
  /** Stops the job on this machine (grace period, then removed). */
  stopJob: method(noInput, z.null()),
  /** Looks for the container engine again (after the owner fixed something). */
  checkEngine: method(noInput, EngineStatusSchema),
  /** Runs `offhours doctor`'s checks: what was found, what is missing, what to do. */
  runDoctor: method(noInput, DoctorReportSchema),
  /** Runs the benchmark (resolves when done; progress arrives as benchProgress events). */
  runBenchmark: method(BenchRunRequestSchema, BenchRunSummarySchema),
  /** Past benchmark runs, newest first. */
  getBenchHistory: method(noInput, z.array(BenchRunSummarySchema)),
  /** Sets the payout address; anything but a Solana address (base58 of 32 bytes) is refused in plain words. */
  setWalletAddress: method(z.string().max(200), WalletSliceSchema),
  /** Creates a wallet on this PC (its secret key sealed in the data folder) and makes it the payout address. */
  createWallet: method(noInput, WalletSliceSchema),
  /** The created wallet's secret key (Solana CLI format), only with { confirm: true }; marks it backed up. */
  exportWalletSecret: method(WalletExportRequestSchema, WalletSecretExportSchema),
  /** Reads the wallet's SOL and token balances again over the network's Solana RPC. */
  refreshWallet: method(noInput, WalletSliceSchema),
  /** Every receipt this PC keeps as CSV for tax records (date, job, seconds, rate, amount, receipt id, payout signature, …). */
  exportEarningsCsv: method(noInput, EarningsCsvSchema),
  /**
   * Finishes the first-run setup: applies the chosen "when to run" preset and records settings.setup.completedAt.
   * Refused in plain words while no payout wallet is set (set or create one first); the benchmark is optional.
   */
  completeSetup: method(CompleteSetupRequestSchema, SettingsSchema),
  /**
   * The log file (<data>/logs/offhours.log): the desktop app shows it in the file manager (opened: true); the
   * dashboard, perhaps on another machine than the rig, gets its path to copy (opened: false).
   */
  revealLogs: method(noInput, RevealLogsResultSchema),
};

export const providerEvents = {
  state: ProviderStateSchema,
  /** Every scheduler transition with its cause. */
  availability: AvailabilityTransitionSchema,
  /** What the scheduler did to the job (frozen/thawed/stopped); the coordinator link reports these. */
  preemption: PreemptionEventSchema,
  benchProgress: BenchProgressSchema,
  /** While a paid job runs: what it and today have earned, every second; once more when it ends (jobId null). */
  earningsTick: EarningsTickSchema,
  /** The settings after every change from any source (API, tray, CLI through the daemon), so no page shows stale ones. */
  settings: SettingsPushSchema,
};

export type ProviderMethodTable = typeof providerMethods;
export type ProviderMethodName = keyof ProviderMethodTable;
export type ProviderEventTable = typeof providerEvents;
export type ProviderEventName = keyof ProviderEventTable;

export type MethodInput<M extends ProviderMethodName> = z.input<ProviderMethodTable[M]['input']>;
export type MethodOutput<M extends ProviderMethodName> = z.output<ProviderMethodTable[M]['output']>;
export type EventPayload<E extends ProviderEventName> = z.output<ProviderEventTable[E]>;

export type Unsubscribe = () => void;

/** What core implements: one async handler per method, inputs already parsed. */
export type ProviderHandlers = {
  [M in ProviderMethodName]: (input: z.output<ProviderMethodTable[M]['input']>) => Promise<MethodOutput<M>>;
};

/** What the renderer calls. No-argument methods take no argument; events are `onX(listener)`. */
export type ProviderApi = {
  [M in ProviderMethodName]: MethodInput<M> extends undefined
    ? () => Promise<MethodOutput<M>>
    : (input: MethodInput<M>) => Promise<MethodOutput<M>>;
} & {
  [E in ProviderEventName as `on${Capitalize<E>}`]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe;
};

export function isProviderMethod(name: string): name is ProviderMethodName {
  return Object.prototype.hasOwnProperty.call(providerMethods, name);
}

export function isProviderEvent(name: string): name is ProviderEventName {
  return Object.prototype.hasOwnProperty.call(providerEvents, name);
}

export const IPC_INVOKE_PREFIX = 'offhours:invoke:';
export const IPC_EVENT_CHANNEL = 'offhours:event';
