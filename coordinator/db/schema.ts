/**
 * The coordinator's tables as Kysely sees them. The DDL lives in migrations/; this file must describe the
 * schema after the newest migration. Money columns are numeric(30,0) and read back as decimal strings on both
 * engines; counters are int4 (int8 would come back as a string from pg and as a number from PGlite).
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AvailabilityKind, AvailabilityReason } from '../../protocol/availability.js';
import type { JobSpec } from '../../protocol/job-spec.js';
import type { GpuClaim } from '../../protocol/network.js';
import type { JobReceipt } from '../../protocol/receipts.js';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** A numeric(30,0) money column: base units as a decimal string both ways. */
type BaseUnits = string;

export interface ProvidersTable {
  provider_id: string;
  device_public_key: string;
  payout_address: string;
  gpus: Json<GpuClaim[]>;
  gpu_count: number;
  /** The largest VRAM among its GPUs (0 when unknown): a cheap SQL pre-filter; the exact check is in TS. */
  max_gpu_vram_mib: number;
  min_price_per_gpu_hour: BaseUnits;
  backends: Json<('webgpu' | 'cuda')[]>;
  app_version: string;
  throughput_milli_gflops: number | null;
  demo: boolean;
  last_timed_benchmark_at: Date | null;
  /** Seconds seen online while its scheduler said available/working (uptime rule). */
  online_available_seconds: Generated<number>;
  /** Seconds gone (session ended) after last saying it was available, counted when it comes back. */
  offline_available_seconds: Generated<number>;
  /** Set when a session ended while available; cleared (and counted) when the provider is back. */
  dropped_while_available_at: Date | null;
  /** Runs (job attempts) that ended, and how: the reputation rules' inputs, kept as counters. */
  runs_ended: Generated<number>;
  runs_finished: Generated<number>;
  runs_interrupted: Generated<number>;
  /** Ended runs during which the owner took the GPU back (a freeze). */
  runs_yielded: Generated<number>;
  created_at: Date;
  updated_at: Date;
}

export interface SessionsTable {
  session_id: string;
  provider_id: string;
  instance_id: string;
  opened_at: Date;
  last_seen_at: Date;
  closed_at: Date | null;
  availability: AvailabilityKind | null;
  availability_reason: AvailabilityReason | null;
  owner_present: boolean;
}

export type TimedBenchmarkState = 'sent' | 'committed' | 'passed' | 'failed';

export interface TimedBenchmarksTable {
  challenge_id: string;
  provider_id: string;
  session_id: string;
  backend: 'webgpu' | 'cuda';
  n: number;
  seeds: Json<string[]>;
  recheck: boolean;
  sent_at: Date;
  rtt_ms: number;
  deadline: Date;
  roots_at: Date | null;
  roots: Json<string[]> | null;
  probes: Json<{ gemm: number; rBits: string; rows: number[] }[]> | null;
  state: TimedBenchmarkState;
  failure_reason: string | null;
  throughput_milli_gflops: number | null;
  software: boolean;
  finished_at: Date | null;
}

export type JobState = 'queued' | 'offered' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled';

export interface JobsTable {
  job_id: string;
  state: JobState;
  spec: Json<JobSpec>;
  image: string;
  /** Copied out of the spec so matching can filter in SQL. */
  gpus: number;
  min_vram_mib: number;
  min_throughput_milli_gflops: number;
  price_per_second: BaseUnits;
  budget: BaseUnits;
  /** Who holds it now (offered to or running it); who finished/failed it once final; null when queued. */
  provider_id: string | null;
  /** Runs started (offers accepted), kept across requeues. */
  attempts: number;
  submitted_by: string;
  submitted_at: Date;
  updated_at: Date;
}

export type AttemptOutcome = 'finished' | 'failed' | 'interrupted' | 'cancelled';

/**
 * One run of a job on one provider (from the accepted offer to its end): the row metering and the ledger
 * hang off. Times are the coordinator's clock; `reported_worked_seconds` is the provider's own count.
 */
export interface JobAttemptsTable {
  job_id: string;
  attempt_no: number;
  provider_id: string;
  offer_id: string;
  accepted_at: Date;
  /** First 'started' status (the container runs); null while pulling. */
  started_at: Date | null;
  /** Set while frozen (owner came back); cleared on thaw, adding to frozen_seconds. */
  frozen_since: Date | null;
  frozen_seconds: number;
  /** The owner took the GPU back at least once during this run (freeze or preemption). */
  yielded: boolean;
  finished_at: Date | null;
  outcome: AttemptOutcome | null;
  exit_code: number | null;
  reported_worked_seconds: number | null;
  /** Coordinator-observed: finished − started − frozen, whole seconds; null until the run ended. */
  observed_worked_seconds: number | null;
  output_digest: string | null;
  detail: string | null;
  /** Whole seconds credited to the provider so far (metering only ever adds). */
  metered_seconds: Generated<number>;
  /** Set when the run ended and its signed receipt was issued. */
  receipt_id: string | null;
}

export interface JobEventsTable {
  event_id: Generated<number>;
  job_id: string;
  at: Date;
  state: string;
  provider_id: string | null;
  detail: string | null;
  /** Unique per job when set: a final status of one attempt is recorded once however often it is re-sent. */
  dedupe_key: string | null;
}

export type OfferState = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface OffersTable {
  offer_id: string;
  job_id: string;
  provider_id: string;
  state: OfferState;
  created_at: Date;
  deadline: Date;
  answered_at: Date | null;
  reason: string | null;
}

/** bigint identity columns are read through `cast(… as text)` (the engines disagree on int8's JS type). */
type Int8Id = ColumnType<string, never, never>;

export type PostingKindColumn = 'hold' | 'meter' | 'settle' | 'refund' | 'payout-reserve' | 'payout-paid' | 'payout-reverse';

export interface LedgerPostingsTable {
  posting_id: Int8Id;
  idempotency_key: string;
  kind: PostingKindColumn;
  job_id: string | null;
  attempt_no: number | null;
  provider_id: string | null;
  batch_id: string | null;
  at: Date;
}

export interface LedgerEntriesTable {
  entry_id: Int8Id;
  /** Written as the posting's id text; Postgres casts it. */
  posting_id: ColumnType<string, string, never>;
  account: string;
  /** Signed base units. */
  amount: BaseUnits;
}

export interface LedgerBalancesTable {
  account: string;
  balance: BaseUnits;
}

export interface ReceiptsTable {
  receipt_id: string;
  job_id: string;
  attempt_no: number;
  provider_id: string;
  seconds: number;
  amount: BaseUnits;
  receipt: Json<JobReceipt>;
  issued_at: Date;
  /** The payout batch whose intent reserved this receipt's amount; null while it is payable. */
  payout_batch_id: string | null;
}

export type PayoutBatchState = 'intent' | 'signed' | 'sent' | 'confirmed' | 'paid' | 'failed';

export interface PayoutBatchesTable {
  batch_id: string;
  state: PayoutBatchState;
  mint: string;
  /** The signature it is (or was last) signed under; every one it ever had is in payout_signatures. */
  signature: string | null;
  confirmed_slot: BaseUnits | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  paid_at: Date | null;
}

export interface PayoutSignaturesTable {
  signature: string;
  batch_id: string;
  wire_base64: string;
  last_valid_block_height: BaseUnits;
  created_at: Date;
}

export interface PayoutItemsTable {
  batch_id: string;
  provider_id: string;
  recipient: string;
  amount: BaseUnits;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Date;
}

export interface Schema {
  providers: ProvidersTable;
  sessions: SessionsTable;
  timed_benchmarks: TimedBenchmarksTable;
  jobs: JobsTable;
  job_attempts: JobAttemptsTable;
  job_events: JobEventsTable;
  offers: OffersTable;
  ledger_postings: LedgerPostingsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_balances: LedgerBalancesTable;
  receipts: ReceiptsTable;
  payout_batches: PayoutBatchesTable;
  payout_signatures: PayoutSignaturesTable;
  payout_items: PayoutItemsTable;
  leases: LeasesTable;
}

export type ProviderRow = Selectable<ProvidersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type JobRow = Selectable<JobsTable>;
export type NewJobEvent = Insertable<JobEventsTable>;
