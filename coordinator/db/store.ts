/**
 * The coordinator's one query layer, as the rest of the coordinator sees it. `coordinator/db/kysely-store.ts`
 * implements it over Kysely, identically on embedded PGlite and on a PostgreSQL server; nothing else in the
 * coordinator writes SQL. Every method is one transaction; every time is passed in (the domain never reads
 * a clock of its own). Several coordinator instances may share one database: queue claims use
 * `FOR UPDATE SKIP LOCKED`, and what one instance must tell another goes over the CoordinatorBus
 * (Postgres LISTEN/NOTIFY).
 */
import type { AvailabilityKind, AvailabilityReason } from '../../protocol/availability.js';
import type { JobSpec } from '../../protocol/job-spec.js';
import type {
  AdminJob,
  AdminProvider,
  CoordinatorStatus,
  EarningsSummary,
  GpuClaim,
  JobStatusKind,
  ProviderPayout,
  ProviderStanding,
  ProviderStatement,
  SharedWallet,
  SubmitJobRequest,
} from '../../protocol/network.js';
import type { JobReceipt } from '../../protocol/receipts.js';

export type DatabaseEngine = 'pglite' | 'postgres';

export interface EnrolInput {
  devicePublicKey: string;
  payoutAddress: string;
  gpus: GpuClaim[];
  minPricePerGpuHour: string;
  appVersion: string;
  backends: ('webgpu' | 'cuda')[];
}

export interface ProviderRecord {
  providerId: string;
  devicePublicKey: string;
  payoutAddress: string;
  gpus: GpuClaim[];
  minPricePerGpuHour: string;
  backends: ('webgpu' | 'cuda')[];
  /** Null until a timed benchmark passed. */
  throughputMilliGflops: number | null;
  /** Software adapter: paid the demo rate (local test network only). */
  demo: boolean;
  lastTimedBenchmarkAt: Date | null;
  createdAt: Date;
}

export interface SessionRecord {
  sessionId: string;
  providerId: string;
  instanceId: string;
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
  availability: AvailabilityKind | null;
  availabilityReason: AvailabilityReason | null;
  ownerPresent: boolean;
}

export interface TimedBenchmarkRecord {
  challengeId: string;
  providerId: string;
  sessionId: string;
  backend: 'webgpu' | 'cuda';
  n: number;
  seeds: string[];
  recheck: boolean;
  sentAt: Date;
  rttMs: number;
  deadline: Date;
  rootsAt: Date | null;
  roots: string[] | null;
  /** The probes sent after the roots (gemm index, r bits, rows), kept so a late answer is checked against them. */
  probes: { gemm: number; rBits: string; rows: number[] }[] | null;
  state: 'sent' | 'committed' | 'passed' | 'failed';
  failureReason: string | null;
  throughputMilliGflops: number | null;
  software: boolean;
}

export interface OfferRecord {
  offerId: string;
  jobId: string;
  providerId: string;
  spec: JobSpec;
  deadline: Date;
}

export interface JobStatusInput {
  jobId: string;
  providerId: string;
  status: JobStatusKind;
  /** Provider-side time (informational); the store keys its own rows on `now`. */
  reportedAt: Date;
  exitCode: number | null;
  workedSeconds: number | null;
  outputDigest: string | null;
  message: string | null;
}

/** What a job status did: `duplicate` when the same final status was already on record (recorded once). */
export interface JobStatusOutcome {
  duplicate: boolean;
  /** The job's state after the status. */
  state: AdminJob['state'];
  /** False when the job is not (or no longer) this provider's: the status changes nothing. */
  accepted: boolean;
}

export interface MatchOptions {
  /** At most this many queued jobs are claimed in one pass. */
  limit: number;
  /** How long a provider has to answer an offer. */
  offerTtlMs: number;
}

export interface CoordinatorStore {
  readonly engine: DatabaseEngine;

  // Providers and sessions ---------------------------------------------------------------------------
  /** Creates the provider for this device key, or updates payout address, GPUs, price and backends. */
  enrolProvider(input: EnrolInput, now: Date): Promise<{ provider: ProviderRecord; created: boolean }>;
  getProvider(providerId: string): Promise<ProviderRecord | null>;
  /** Resumes `resumeSessionId` when it is this provider's and not closed long ago; else opens a new one. */
  openSession(input: { providerId: string; instanceId: string; resumeSessionId: string | null }, now: Date): Promise<{ session: SessionRecord; resumed: boolean }>;
  /**
   * Many heartbeats that changed nothing but the time, in one statement (the server batches them every few
   * seconds): last seen and the uptime rule's online seconds, as touchSession would. Closed sessions are skipped.
   */
  touchSessions(batch: readonly { sessionId: string; at: Date }[]): Promise<void>;
  /** A heartbeat or availability message: last seen, and the scheduler's state when given. */
  touchSession(sessionId: string, now: Date, availability?: { state: AvailabilityKind; reason: AvailabilityReason; ownerPresent: boolean }): Promise<void>;
  /**
   * Closes the session; returns false when it was already closed or, with `heldBy`, when another instance has
   * resumed it meanwhile (a provider that reconnected elsewhere within the grace keeps its session and jobs).
   */
  closeSession(sessionId: string, now: Date, heldBy?: string): Promise<boolean>;
  /** Closes sessions not seen for `timeoutMs` (an instance died); returns their provider ids. */
  expireStaleSessions(now: Date, timeoutMs: number): Promise<string[]>;
  /** The coordinator's view shown to the provider: benchmark state, rate, reputation with its rules. */
  standing(providerId: string, now: Date): Promise<ProviderStanding>;
  listProviders(now: Date): Promise<AdminProvider[]>;

  // Timed benchmark --------------------------------------------------------------------------------
  createTimedBenchmark(record: Omit<TimedBenchmarkRecord, 'rootsAt' | 'roots' | 'probes' | 'state' | 'failureReason' | 'throughputMilliGflops' | 'software'>): Promise<void>;
  getTimedBenchmark(challengeId: string): Promise<TimedBenchmarkRecord | null>;
  /** Only from state 'sent': stores roots, their arrival time and the probes about to be sent. */
  commitTimedBenchmark(challengeId: string, update: { rootsAt: Date; roots: string[]; probes: NonNullable<TimedBenchmarkRecord['probes']>; software: boolean }): Promise<boolean>;
  /** Final verdict; on pass, the provider's measured throughput, demo flag and benchmark time are updated. */
  finishTimedBenchmark(challengeId: string, verdict: { passed: boolean; failureReason: string | null; throughputMilliGflops: number | null; demo: boolean }, now: Date): Promise<void>;

  // Jobs and offers -----------------------------------------------------------------------------------
  submitJob(request: SubmitJobRequest, submittedBy: string, now: Date): Promise<AdminJob>;
  getJob(jobId: string): Promise<AdminJob | null>;
  listJobs(limit: number): Promise<AdminJob[]>;
  cancelJob(jobId: string, reason: string, now: Date): Promise<{ job: AdminJob; providerId: string | null } | null>;
  /**
   * One matching pass: claims up to `limit` queued jobs with FOR UPDATE SKIP LOCKED, ranks the available,
   * connected, idle providers that meet each job's requirements and price (domain/matching.ts), and writes
   * one offer per matched job. Safe to run on every instance at once.
   */
  matchQueuedJobs(now: Date, options: MatchOptions): Promise<OfferRecord[]>;
  /**
   * An offer still open (not answered, expired or withdrawn), with its job's spec: the instance holding the
   * provider's socket builds the `offer` frame from it when another instance made the match (bus 'offer').
   */
  getOpenOffer(offerId: string): Promise<OfferRecord | null>;
  /** The provider's answer; a decline puts the job back in the queue with its history. */
  answerOffer(offerId: string, providerId: string, accepted: boolean, reason: string | null, now: Date): Promise<{ jobId: string; accepted: boolean } | null>;
  /** Offers past their deadline go back to the queue; returns them (to withdraw from the provider). */
  expireOffers(now: Date): Promise<OfferRecord[]>;
  recordJobStatus(input: JobStatusInput, now: Date): Promise<JobStatusOutcome>;
  /** A provider went away for good or was preempted: its offered/running jobs return to the queue. */
  requeueJobsOfProvider(providerId: string, reason: string, now: Date): Promise<string[]>;
  /** Jobs the coordinator expects this provider to be running (for the enrolled frame's keepJobIds). */
  runningJobsOf(providerId: string): Promise<string[]>;

  // Money ------------------------------------------------------------------------------------------------
  /**
   * One metering pass: every running, started run gets its newly confirmed seconds credited (escrow →
   * provider pending). Runs whose job's budget is spent are named, to be stopped. Jobs another instance has
   * locked are skipped (the next pass takes them).
   */
  meterRunningJobs(now: Date, limit: number): Promise<MeterPassResult>;
  /**
   * The provider's balances, its latest receipts and payouts (newest first), and the machines sharing its
   * payout address (`now` decides which are online).
   */
  earningsOf(providerId: string, limit: number, now: Date): Promise<ProviderEarnings>;
  /** Every receipt of the provider, oldest first, a page at a time, with the payout holding each; null when unknown. */
  statementOf(providerId: string, page: { after: string | null; limit: number }): Promise<ProviderStatement | null>;

  status(now: Date): Promise<Omit<CoordinatorStatus, 'network' | 'instanceId' | 'version' | 'uptimeSeconds'>>;
  close(): Promise<void>;
}

export interface MeterPassResult {
  /** Runs credited in this pass. */
  credited: number;
  /** Jobs whose escrow cannot pay another second. */
  budgetSpent: { jobId: string; providerId: string }[];
}

export interface ProviderEarnings {
  summary: Omit<EarningsSummary, 'nextPayoutAt'>;
  receipts: JobReceipt[];
  payouts: ProviderPayout[];
  /** Null when the provider has no payout address. */
  wallet: SharedWallet | null;
}

/** What instances tell each other (Postgres LISTEN/NOTIFY; in-process with PGlite). */
export type BusEvent =
  | { kind: 'offer'; providerId: string; offerId: string }
  | { kind: 'offer-withdrawn'; providerId: string; offerId: string; reason: string }
  | { kind: 'cancel-job'; providerId: string; jobId: string; reason: string }
  | { kind: 'job-queued'; jobId: string }
  | { kind: 'standing'; providerId: string }
  | { kind: 'earnings'; providerId: string }
  /**
   * Something the machines sharing this provider's payout address show changed (its money, or it came or went),
   * and its own connection already knows: only the others need fresh earnings.
   */
  | { kind: 'wallet-earnings'; providerId: string; payoutAddress: string };

export interface CoordinatorBus {
  publish(event: BusEvent): Promise<void>;
  subscribe(listener: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

/** Why a store call refused its input (unknown ids, malformed values); nothing was changed. */
export type StoreRefusal = 'unknown-provider' | 'unknown-session' | 'session-closed' | 'unknown-job' | 'unknown-challenge' | 'invalid-input';

export class StoreInputError extends Error {
  constructor(
    readonly code: StoreRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'StoreInputError';
  }
}
