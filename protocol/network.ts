/**
 * The wire between a provider (the app) and a coordinator (the network side): every WebSocket frame in both
 * directions and every admin HTTP call, declared once with zod. Both sides parse every message with these
 * schemas; anything that does not parse is answered with an error frame (WebSocket) or a 4xx (HTTP) and
 * changes nothing.
 *
 * Session flow over one WebSocket at /v1/provider:
 *   coordinator → welcome (fresh nonce)      provider → hello (signed over that nonce with the device key)
 *   coordinator → enrolled (provider id, session id, resumed?)
 *   then: heartbeats and availability up; pings, timed benchmark, offers, cancels and log requests down;
 *   job status up. Every provider frame after hello carries `seq`, strictly increasing within the session;
 *   a frame whose seq is not above the last one seen is a replay and is refused.
 *
 * Money is integers: base units of the payout token as decimal strings.
 */
import { z } from 'zod';
import { Hex16Schema, Hex64Schema } from './bench/challenge.js';
import { ProbeResponseSchema } from './bench/probe.js';
import { AvailabilityKindSchema, AvailabilityReasonSchema } from './availability.js';
import { JobSpecSchema } from './job-spec.js';
import { JobReceiptSchema } from './receipts.js';
import { isSolanaAddress } from './solana/address.js';

export const NETWORK_PROTOCOL_VERSION = 1;
/**
 * Largest WebSocket frame either side accepts: the timed benchmark's openings at its largest n (4096: 12 rows
 * and 12 C·r vectors, ≤ 0.95 MiB as JSON, see protocol/bench/timed.ts openingsFrameBytes) fit.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Largest admin HTTP body. */
export const MAX_ADMIN_BODY_BYTES = 256 * 1024;
/**
 * Most GEMMs one timed challenge may ask for: enough work for 5–10 s on the fastest cards at n ≤ 4096 (the
 * provider keeps only each GEMM's row hashes, not C, so memory does not grow with it).
 */
export const MAX_TIMED_GEMMS = 1024;
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A session with no frame for this long is considered gone (its provider is no longer available). */
export const SESSION_TIMEOUT_MS = 20_000;

export const PROVIDER_WS_PATH = '/v1/provider';

const BaseUnitsSchema = z.string().regex(/^(0|[1-9][0-9]{0,29})$/, 'must be a whole number of base units');
const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, - or _');
const IsoSchema = z.iso.datetime({ offset: true });
const SeqSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const ShortText = z.string().max(500);
/** A Solana address (base58 of exactly 32 bytes) or empty until the owner sets a wallet. */
export const PayoutAddressSchema = z.union([
  z.literal(''),
  // The regex keeps the old wording for text that is not even base58; the refine refuses base58 of the wrong length.
  z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'is not a Solana address').refine(isSolanaAddress, 'is not a Solana address (it must decode to 32 bytes)'),
]);

export const SolanaClusterSchema = z.enum(['localnet', 'devnet', 'testnet', 'mainnet-beta', 'custom']);
export const SolanaAddressSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'is not a Solana address');
export const SolanaSignatureSchema = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/, 'is not a Solana signature');

/** The Solana side of a network: the cluster and RPC URL a provider can check its payouts on, and the token. */
export const PayoutChainInfoSchema = z
  .object({
    cluster: SolanaClusterSchema,
    rpcUrl: z.string().url().max(500),
    mint: SolanaAddressSchema,
    /** The wallet payouts come from. */
    treasury: SolanaAddressSchema,
    /** Payable balances at or above this are paid (base units; "0": every balance). */
    thresholdBaseUnits: z.string().regex(/^(0|[1-9][0-9]{0,29})$/),
    /** How often payouts are settled. */
    intervalSeconds: z.number().int().min(1).max(7 * 86_400),
  })
  .strict();
export type PayoutChainInfo = z.infer<typeof PayoutChainInfoSchema>;

// ---------------------------------------------------------------------------------------------------
// What a network is (shown to the owner): the local test network says its tokens have no value.

export const NetworkInfoSchema = z
  .object({
    coordinatorId: z.string().max(100),
    /** e.g. "Local test network" or "Offhours mainnet". */
    name: z.string().max(100),
    kind: z.enum(['local-test', 'production']),
    /** False on the local test network: its tokens are worth nothing. */
    tokenHasValue: z.boolean(),
    /** Symbol of the payout token, e.g. "OFFT". */
    tokenSymbol: z.string().max(16),
    tokenDecimals: z.number().int().min(0).max(18),
    /** Software adapters (SwiftShader…) get a demo rate here; a production coordinator refuses them. */
    acceptsSoftwareAdapters: z.boolean(),
    /** The ed25519 key that signs job receipts (hex); absent on a coordinator that does not meter. */
    coordinatorPublicKey: Hex64Schema.optional(),
    /** Where payouts settle; null or absent when this network does not pay out (yet). */
    payouts: PayoutChainInfoSchema.nullable().optional(),
  })
  .strict();
export type NetworkInfo = z.infer<typeof NetworkInfoSchema>;


export const GpuClaimSchema = z
  .object({
    name: z.string().min(1).max(200),
    vendor: z.enum(['nvidia', 'amd', 'intel', 'apple', 'other']),
    vramMiB: z.number().int().min(0).max(4 * 1024 * 1024).nullable(),
  })
  .strict();
export type GpuClaim = z.infer<typeof GpuClaimSchema>;

// ---------------------------------------------------------------------------------------------------
// Transparent reputation: each public rule and what it contributed.

export const ReputationRuleSchema = z
  .object({
    rule: z.enum(['uptime', 'jobs-finished', 'yields', 'benchmark-age']),
    /** Plain words, e.g. "Online 97 % of the time you said you were available". */
    description: z.string().max(300),
    /** The measured input as shown (e.g. 970 = 97.0 %), ×1000. */
    value1000: z.number().int().min(0),
    /** Points this rule adds to the score (0…weight). */
    points: z.number().int().min(0).max(1000),
    weight: z.number().int().min(0).max(1000),
  })
  .strict();
export const ReputationSchema = z
  .object({
    /** 0…1000, the sum of the rules' points. */
    score: z.number().int().min(0).max(1000),
    rules: z.array(ReputationRuleSchema).max(16),
  })
  .strict();
export type Reputation = z.infer<typeof ReputationSchema>;

/** The coordinator's view of this provider, sent after enrolment and whenever it changes. */
export const ProviderStandingSchema = z
  .object({
    providerId: IdSchema,
    benchmark: z
      .object({
        state: z.enum(['none', 'running', 'passed', 'failed']),
        /** Coordinator-measured GEMM throughput (milli-GFLOPS), null until a timed run passed. */
        throughputMilliGflops: z.number().int().min(0).nullable(),
        /** True when the rate is the demo rate of a software adapter. */
        demo: z.boolean(),
        /** Why the last run failed, as a named reason code. */
        failureReason: z.string().max(100).nullable(),
        message: ShortText.nullable(),
        at: IsoSchema.nullable(),
      })
      .strict(),
    /** What this machine earns per hour of work at the network's price, base units; null until benchmarked. */
    ratePerHour: BaseUnitsSchema.nullable(),
    reputation: ReputationSchema,
  })
  .strict();
export type ProviderStanding = z.infer<typeof ProviderStandingSchema>;

// ---------------------------------------------------------------------------------------------------
// Provider → coordinator

/** The fields the hello signature covers (canonical JSON of this object, see helloSigningBytes). */
export const HelloBodySchema = z
  .object({
    protocolVersion: z.literal(NETWORK_PROTOCOL_VERSION),
    /** The coordinator's nonce from `welcome`: a signature is good for this one connection only. */
    coordinatorNonce: z.string().regex(/^[0-9a-f]{32}$/),
    devicePublicKey: Hex64Schema,
    payoutAddress: PayoutAddressSchema,
    gpus: z.array(GpuClaimSchema).max(16),
    /** The least this owner accepts per GPU-hour of work (per hour for GPU-less jobs), base units. */
    minPricePerGpuHour: BaseUnitsSchema,
    appVersion: z.string().min(1).max(50),
    /** The session to resume after a reconnect (same device key), or null for a new one. */
    resumeSessionId: IdSchema.nullable(),
    /** Which benchmark backends this provider can run for the timed challenge. */
    backends: z.array(z.enum(['webgpu', 'cuda'])).min(1).max(2),
    /** Jobs this provider is running right now (after a reconnect), so the coordinator can reconcile. */
    runningJobIds: z.array(IdSchema).max(8),
  })
  .strict();
export type HelloBody = z.infer<typeof HelloBodySchema>;

const HelloSchema = z.object({ type: z.literal('hello'), body: HelloBodySchema, signature: z.string().regex(/^[0-9a-f]{128}$/) }).strict();

const HeartbeatSchema = z
  .object({
    type: z.literal('heartbeat'),
    seq: SeqSchema,
    availability: AvailabilityKindSchema,
    reason: AvailabilityReasonSchema,
  })
  .strict();

const AvailabilityMessageSchema = z
  .object({
    type: z.literal('availability'),
    seq: SeqSchema,
    state: AvailabilityKindSchema,
    reason: AvailabilityReasonSchema,
    /** The owner is at the PC (re-challenges never run then). */
    ownerPresent: z.boolean(),
  })
  .strict();

const PongSchema = z.object({ type: z.literal('pong'), seq: SeqSchema, pingId: IdSchema }).strict();

/** The commitment: one Merkle root per GEMM of the timed challenge, sent as soon as the work is done. */
const BenchRootsSchema = z
  .object({
    type: z.literal('bench-roots'),
    seq: SeqSchema,
    challengeId: IdSchema,
    roots: z.array(Hex64Schema).min(1).max(MAX_TIMED_GEMMS),
    /** What ran: e.g. "Dawn WebGPU on SwiftShader" (informational; the coordinator measures the time itself). */
    device: z.string().max(300),
    backend: z.enum(['webgpu', 'cuda']),
    software: z.boolean(),
  })
  .strict();

/** The openings, after the coordinator sent the probe: one probe answer per GEMM it asked about. */
const BenchOpeningsSchema = z
  .object({
    type: z.literal('bench-openings'),
    seq: SeqSchema,
    challengeId: IdSchema,
    answers: z.array(z.object({ gemm: z.number().int().min(0).max(MAX_TIMED_GEMMS - 1), response: ProbeResponseSchema }).strict()).min(1).max(64),
  })
  .strict();

/** The provider could not run the timed challenge (no adapter, crashed…). */
const BenchFailedSchema = z.object({ type: z.literal('bench-failed'), seq: SeqSchema, challengeId: IdSchema, code: z.string().max(100), message: ShortText }).strict();

const OfferReplySchema = z
  .object({
    type: z.literal('offer-reply'),
    seq: SeqSchema,
    offerId: IdSchema,
    accept: z.boolean(),
    /** Why it was declined (spec refused by the hardened runner, owner came back, busy…). */
    reason: z.string().max(100).nullable(),
    message: ShortText.nullable(),
  })
  .strict();

export const JobStatusKindSchema = z.enum(['pulling', 'started', 'frozen', 'thawed', 'finished', 'failed', 'interrupted']);
export type JobStatusKind = z.infer<typeof JobStatusKindSchema>;

const JobStatusSchema = z
  .object({
    type: z.literal('job-status'),
    seq: SeqSchema,
    jobId: IdSchema,
    status: JobStatusKindSchema,
    /** When it happened on the provider (the coordinator keeps its own clock too). */
    at: IsoSchema,
    pull: z.object({ bytesDone: z.number().int().min(0), bytesTotal: z.number().int().min(0).nullable() }).strict().nullable(),
    exitCode: z.number().int().nullable(),
    /** Seconds of work (running, not frozen) the provider counted; the coordinator meters its own. */
    workedSeconds: z.number().int().min(0).nullable(),
    outputDigest: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
    message: ShortText.nullable(),
    /** True when this status is re-sent after a reconnect (it happened while the coordinator was away). */
    replayed: z.boolean(),
  })
  .strict();

const JobLogsMessageSchema = z
  .object({
    type: z.literal('job-logs'),
    seq: SeqSchema,
    requestId: IdSchema,
    jobId: IdSchema,
    lines: z.array(z.string().max(4096)).max(1000),
    droppedLines: z.number().int().min(0),
  })
  .strict();

export const ProviderMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  HeartbeatSchema,
  AvailabilityMessageSchema,
  PongSchema,
  BenchRootsSchema,
  BenchOpeningsSchema,
  BenchFailedSchema,
  OfferReplySchema,
  JobStatusSchema,
  JobLogsMessageSchema,
]);
export type ProviderMessage = z.infer<typeof ProviderMessageSchema>;
export type ProviderMessageOf<T extends ProviderMessage['type']> = Extract<ProviderMessage, { type: T }>;

// ---------------------------------------------------------------------------------------------------
// Coordinator → provider

const WelcomeSchema = z
  .object({
    type: z.literal('welcome'),
    protocolVersion: z.literal(NETWORK_PROTOCOL_VERSION),
    coordinatorNonce: z.string().regex(/^[0-9a-f]{32}$/),
    serverTime: IsoSchema,
    network: NetworkInfoSchema,
  })
  .strict();

const EnrolledSchema = z
  .object({
    type: z.literal('enrolled'),
    sessionId: IdSchema,
    resumed: z.boolean(),
    standing: ProviderStandingSchema,
    /** Of the runningJobIds in hello: the ones the coordinator still expects to run (others should stop). */
    keepJobIds: z.array(IdSchema).max(8),
  })
  .strict();

const StandingMessageSchema = z.object({ type: z.literal('standing'), standing: ProviderStandingSchema }).strict();

export const CoordinatorErrorCodeSchema = z.enum([
  'malformed',
  'too-large',
  'rate-limited',
  'bad-signature',
  'replayed',
  'not-enrolled',
  'unknown-challenge',
  'unknown-offer',
  'unknown-job',
  'protocol-version',
  'refused',
  'internal',
]);
export type CoordinatorErrorCode = z.infer<typeof CoordinatorErrorCodeSchema>;

const ErrorFrameSchema = z
  .object({
    type: z.literal('error'),
    code: CoordinatorErrorCodeSchema,
    message: ShortText,
    /** The seq of the provider frame this answers, when it had a readable one. */
    seq: SeqSchema.nullable(),
    /** True when the coordinator closes the connection after this frame. */
    fatal: z.boolean(),
  })
  .strict();

/** Round-trip measurement: the provider answers with pong at once. */
const PingSchema = z.object({ type: z.literal('ping'), pingId: IdSchema }).strict();

/** Fixed work the coordinator times: C_k = A_k·B_k for each seed (protocol/bench/inputs), n×n each. */
const BenchChallengeSchema = z
  .object({
    type: z.literal('bench-challenge'),
    challengeId: IdSchema,
    n: z.number().int().min(64).max(4096),
    seeds: z.array(Hex16Schema).min(1).max(MAX_TIMED_GEMMS),
    backend: z.enum(['webgpu', 'cuda']),
    /** The provider must send its roots before this; later roots fail the challenge. */
    deadline: IsoSchema,
    /** An unannounced re-challenge (not the one after enrolment). */
    recheck: z.boolean(),
  })
  .strict();

/** Sent only after the roots arrived: the Freivalds vector and the rows to open, per GEMM asked about. */
const BenchProbeSchema = z
  .object({
    type: z.literal('bench-probe'),
    challengeId: IdSchema,
    probes: z
      .array(
        z
          .object({
            gemm: z.number().int().min(0).max(MAX_TIMED_GEMMS - 1),
            /** r ∈ {±1}ⁿ as a bit string in hex: bit j (LSB first within each byte) set means +1. */
            rBits: z.string().regex(/^[0-9a-f]{2,1024}$/),
            rows: z.array(z.number().int().min(0).max(4095)).min(1).max(16),
          })
          .strict(),
      )
      .min(1)
      .max(64),
  })
  .strict();

const BenchResultSchema = z
  .object({
    type: z.literal('bench-result'),
    challengeId: IdSchema,
    passed: z.boolean(),
    /** Named reason when it failed, e.g. "too-slow", "root-mismatch", "freivalds-mismatch", "deadline". */
    reason: z.string().max(100).nullable(),
    message: ShortText,
    throughputMilliGflops: z.number().int().min(0).nullable(),
    standing: ProviderStandingSchema,
  })
  .strict();

const OfferSchema = z
  .object({
    type: z.literal('offer'),
    offerId: IdSchema,
    jobId: IdSchema,
    spec: JobSpecSchema,
    /** Answer before this or the offer goes to someone else. */
    deadline: IsoSchema,
  })
  .strict();

const OfferWithdrawnSchema = z.object({ type: z.literal('offer-withdrawn'), offerId: IdSchema, reason: ShortText }).strict();
const CancelJobSchema = z.object({ type: z.literal('cancel-job'), jobId: IdSchema, reason: ShortText }).strict();
const LogRequestSchema = z.object({ type: z.literal('log-request'), requestId: IdSchema, jobId: IdSchema, maxLines: z.number().int().min(1).max(1000) }).strict();
/** Acknowledges a job status, so the provider can stop re-sending it after reconnects. */
const JobStatusAckSchema = z.object({ type: z.literal('job-status-ack'), jobId: IdSchema, status: JobStatusKindSchema, seq: SeqSchema }).strict();

/** A ledger posting's id: decimal digits, as receipts name them (`ledgerEntryIds`). */
export const PostingIdSchema = z.string().regex(/^[0-9]{1,20}$/, 'must be a ledger posting id (decimal digits)');

/** One payout as the provider sees it: its share, and the on-chain transfer that carried it. */
export const ProviderPayoutSchema = z
  .object({
    batchId: IdSchema,
    /** pending: written, not yet confirmed on chain; paid: confirmed; failed: returned to payable. */
    state: z.enum(['pending', 'paid', 'failed']),
    /** This provider's share, base units. */
    amount: BaseUnitsSchema,
    /** The wallet it went to, and the whole transfer to that wallet in this transaction (several PCs may share a wallet). */
    recipient: SolanaAddressSchema,
    transferAmount: BaseUnitsSchema,
    mint: SolanaAddressSchema,
    /** The transaction's signature once signed (stored before it is broadcast). */
    signature: SolanaSignatureSchema.nullable(),
    createdAt: IsoSchema,
    paidAt: IsoSchema.nullable(),
    /**
     * The ledger posting that reserved this provider's share (its whole payable balance at the time). This
     * payout pays the provider's receipts whose settle posting (the last of their ledgerEntryIds) comes before
     * it and that no earlier payout that did not fail paid: see protocol/payout-receipts.ts. Optional only
     * because coordinators before it did not send it (and apps stored payouts without it); coordinators send it.
     */
    reservePostingId: PostingIdSchema.optional(),
  })
  .strict();
export type ProviderPayout = z.infer<typeof ProviderPayoutSchema>;

export const EarningsSummarySchema = z
  .object({
    /** Earned in the runs going on now (not yet receipted). */
    pending: BaseUnitsSchema,
    /** Receipted, waiting for the next payout. */
    payable: BaseUnitsSchema,
    /** In a payout transaction not yet confirmed. */
    inFlight: BaseUnitsSchema,
    /** Confirmed on chain, all time. */
    paid: BaseUnitsSchema,
    nextPayoutAt: IsoSchema.nullable(),
  })
  .strict();
export type EarningsSummary = z.infer<typeof EarningsSummarySchema>;

const WalletBalancesSchema = EarningsSummarySchema.omit({ nextPayoutAt: true }).strict();
export type WalletBalances = z.infer<typeof WalletBalancesSchema>;

/** Most machines one `wallet` lists (the total still covers all of them). */
export const MAX_WALLET_MACHINES = 50;

/** One PC (provider) paid to the wallet, as of the frame. Nothing secret: no keys, no session, no address but the wallet's. */
export const WalletMachineSchema = WalletBalancesSchema.extend({
  providerId: IdSchema,
  /** What to call it: a short form of its provider id (a hello carries no machine name to use instead). */
  label: z.string().min(1).max(100),
  /** This is the provider the frame is for. */
  self: z.boolean(),
  /** Connected to the network now (a session heard from recently). */
  online: z.boolean(),
  lastSeenAt: IsoSchema.nullable(),
}).strict();
export type WalletMachine = z.infer<typeof WalletMachineSchema>;

/**
 * Every provider paid to the same payout address, so an owner with several PCs sees them together. Whoever
 * sets an address sees the machines paid to it (anyone may set any address): payouts to a wallet are public on
 * chain anyway; the split per PC and whether each is online are what this adds.
 */
export const SharedWalletSchema = z
  .object({
    address: SolanaAddressSchema,
    /** This machine first, then online before offline, most recently seen first; at most MAX_WALLET_MACHINES. */
    machines: z.array(WalletMachineSchema).min(1).max(MAX_WALLET_MACHINES),
    /** Machines of this wallet left out of `machines` (too many for one frame). */
    more: z.number().int().min(0),
    /** Summed over every machine of the wallet, listed or not. */
    total: WalletBalancesSchema,
  })
  .strict();
export type SharedWallet = z.infer<typeof SharedWalletSchema>;

/** Pushed after enrolment and whenever this provider's money moves (receipt issued, payout sent or confirmed). */
const EarningsSchema = z
  .object({
    type: z.literal('earnings'),
    summary: EarningsSummarySchema,
    /** The latest receipts, newest first. */
    receipts: z.array(JobReceiptSchema).max(100),
    /** The latest payouts, newest first. */
    payouts: z.array(ProviderPayoutSchema).max(100),
    /**
     * The machines sharing this provider's payout address, sent again whenever any of them earns, is paid,
     * enrols or goes away; null when it has no payout address. Absent from coordinators before it was added.
     */
    wallet: SharedWalletSchema.nullable().optional(),
  })
  .strict();

export const MAX_EARNINGS_ITEMS = 100;

export const CoordinatorMessageSchema = z.discriminatedUnion('type', [
  WelcomeSchema,
  EnrolledSchema,
  StandingMessageSchema,
  ErrorFrameSchema,
  PingSchema,
  BenchChallengeSchema,
  BenchProbeSchema,
  BenchResultSchema,
  OfferSchema,
  OfferWithdrawnSchema,
  CancelJobSchema,
  LogRequestSchema,
  JobStatusAckSchema,
  EarningsSchema,
]);
export type CoordinatorMessage = z.infer<typeof CoordinatorMessageSchema>;
export type CoordinatorMessageOf<T extends CoordinatorMessage['type']> = Extract<CoordinatorMessage, { type: T }>;

// ---------------------------------------------------------------------------------------------------
// Admin and demand side (HTTP, `Authorization: Bearer <admin token>`)

export const JobRequirementsSchema = z
  .object({
    /** Coordinator-measured GEMM throughput the provider must have shown, milli-GFLOPS. */
    minThroughputMilliGflops: z.number().int().min(0),
  })
  .strict();

export const SubmitJobRequestSchema = z
  .object({
    spec: JobSpecSchema,
    requirements: JobRequirementsSchema,
    /** The most this job may cost in base units (held from submission on, in the ledger issue). */
    budget: BaseUnitsSchema,
  })
  .strict();
export type SubmitJobRequest = z.infer<typeof SubmitJobRequestSchema>;

export const AdminJobStateSchema = z.enum(['queued', 'offered', 'running', 'finished', 'failed', 'interrupted', 'cancelled']);

export const AdminJobSchema = z
  .object({
    jobId: IdSchema,
    state: AdminJobStateSchema,
    image: z.string(),
    providerId: IdSchema.nullable(),
    pricePerSecond: BaseUnitsSchema,
    budget: BaseUnitsSchema,
    attempts: z.number().int().min(0),
    /** Every state change, oldest first. */
    history: z.array(z.object({ at: IsoSchema, state: z.string(), providerId: IdSchema.nullable(), detail: z.string().nullable() }).strict()),
    submittedAt: IsoSchema,
    updatedAt: IsoSchema,
  })
  .strict();
export type AdminJob = z.infer<typeof AdminJobSchema>;

export const AdminProviderSchema = z
  .object({
    providerId: IdSchema,
    devicePublicKey: Hex64Schema,
    payoutAddress: PayoutAddressSchema,
    connected: z.boolean(),
    availability: AvailabilityKindSchema.nullable(),
    gpus: z.array(GpuClaimSchema),
    minPricePerGpuHour: BaseUnitsSchema,
    standing: ProviderStandingSchema,
    lastSeenAt: IsoSchema.nullable(),
  })
  .strict();
export type AdminProvider = z.infer<typeof AdminProviderSchema>;

export const CoordinatorStatusSchema = z
  .object({
    network: NetworkInfoSchema,
    instanceId: z.string(),
    version: z.string(),
    database: z.enum(['pglite', 'postgres']),
    uptimeSeconds: z.number().int().min(0),
    providers: z.object({ enrolled: z.number().int().min(0), connected: z.number().int().min(0), available: z.number().int().min(0) }).strict(),
    jobs: z.record(AdminJobStateSchema, z.number().int().min(0)),
    /** Heartbeat handling on this instance (arrival → stored) over its latest samples; null before the first. */
    heartbeats: z.object({ count: z.number().int().min(0), p50Ms: z.number().min(0), p99Ms: z.number().min(0) }).strict().nullable().optional(),
  })
  .strict();
export type CoordinatorStatus = z.infer<typeof CoordinatorStatusSchema>;

export const AuditViolationSchema = z
  .object({
    rule: z.enum(['ledger-balanced', 'balances-match', 'no-overdraft', 'receipts-match', 'runs-receipted', 'payouts-booked', 'payouts-on-chain']),
    message: z.string().max(1000),
  })
  .strict();
export type AuditViolation = z.infer<typeof AuditViolationSchema>;

/** `offhours coordinator audit`: the money invariants and each violation found. */
export const AuditReportSchema = z
  .object({
    ok: z.boolean(),
    checked: z.object({ postings: z.number().int().min(0), receipts: z.number().int().min(0), payouts: z.number().int().min(0), onChain: z.boolean() }).strict(),
    violations: z.array(AuditViolationSchema).max(1000),
  })
  .strict();
export type AuditReport = z.infer<typeof AuditReportSchema>;

/** Most receipts one statement page holds. */
export const MAX_STATEMENT_PAGE = 500;
export const DEFAULT_STATEMENT_PAGE = 100;

export const PayoutBatchStateSchema = z.enum(['intent', 'signed', 'sent', 'confirmed', 'paid', 'failed']);

/** One receipt of a provider's statement, with the payout batch that holds it (support and tax records). */
export const StatementReceiptSchema = z
  .object({
    receiptId: IdSchema,
    jobId: IdSchema,
    attempt: z.number().int().min(1),
    startedAt: IsoSchema.nullable(),
    endedAt: IsoSchema,
    seconds: z.number().int().min(0),
    ratePerSecond: BaseUnitsSchema,
    amount: BaseUnitsSchema,
    /** The batch that reserved this receipt's amount; null while it is payable. */
    payoutBatchId: IdSchema.nullable(),
    payoutState: PayoutBatchStateSchema.nullable(),
    /** The batch's transaction, once confirmed on chain (confirmed or paid); null before. */
    payoutSignature: SolanaSignatureSchema.nullable(),
  })
  .strict();
export type StatementReceipt = z.infer<typeof StatementReceiptSchema>;

/** `GET …/providers/:providerId/statement`: every receipt of one provider, oldest first, a page at a time. */
export const ProviderStatementSchema = z
  .object({
    providerId: IdSchema,
    payoutAddress: PayoutAddressSchema,
    receipts: z.array(StatementReceiptSchema).max(MAX_STATEMENT_PAGE),
    /** Pass as `after` for the next page; null on the last one. */
    nextCursor: IdSchema.nullable(),
  })
  .strict();
export type ProviderStatement = z.infer<typeof ProviderStatementSchema>;

/** The statement's query string: `after` a receipt id (the previous page's nextCursor), `limit` receipts per page. */
export const StatementQuerySchema = z
  .object({
    after: IdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_STATEMENT_PAGE).optional(),
  })
  .strict();
export type StatementQuery = z.infer<typeof StatementQuerySchema>;

/**
 * Every admin route: method, path, request body (and query string, where it takes one) and response, in one
 * table (both ends parse with it).
 */
export const adminRoutes = {
  status: { method: 'GET', path: '/v1/admin/status', body: z.undefined(), response: CoordinatorStatusSchema },
  submitJob: { method: 'POST', path: '/v1/admin/jobs', body: SubmitJobRequestSchema, response: AdminJobSchema },
  listJobs: { method: 'GET', path: '/v1/admin/jobs', body: z.undefined(), response: z.array(AdminJobSchema) },
  listProviders: { method: 'GET', path: '/v1/admin/providers', body: z.undefined(), response: z.array(AdminProviderSchema) },
  cancelJob: { method: 'POST', path: '/v1/admin/jobs/:jobId/cancel', body: z.object({ reason: ShortText }).strict(), response: AdminJobSchema },
  audit: { method: 'GET', path: '/v1/admin/audit', body: z.undefined(), response: AuditReportSchema },
  statement: { method: 'GET', path: '/v1/admin/providers/:providerId/statement', body: z.undefined(), query: StatementQuerySchema, response: ProviderStatementSchema },
} as const;

/** Public, unauthenticated: what network this is (the app shows it before enrolling). */
export const PUBLIC_INFO_PATH = '/v1/info';
export const HEALTH_PATH = '/v1/health';

/** The 4xx/5xx body of every HTTP route. */
export const HttpErrorBodySchema = z.object({ error: z.object({ code: z.string().max(100), message: ShortText }).strict() }).strict();

export { BaseUnitsSchema, IdSchema };
