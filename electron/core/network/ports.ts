import type { Availability, AvailabilityTransition, PreemptionEvent } from '../../../protocol/availability.js';
import type { GpuInventory } from '../../../protocol/gpu.js';
import type { CurrentJob, JobRecord } from '../../../protocol/job-spec.js';
import type { CoordinatorMessageOf, NetworkInfo, ProviderMessageOf } from '../../../protocol/network.js';
import type { NetProfit } from '../../../protocol/net-profit.js';
import type { Settings } from '../../../protocol/settings.js';
import type { QueuedStatus } from './status-queue.js';

/**
 * What the network link needs from the world, in our own types. Adapters: electron/core/adapters/
 * ws-coordinator-socket.ts and embedded-network-process.ts; the rest are core services seen through a keyhole.
 */

/** One open WebSocket to a coordinator. */
export interface CoordinatorConnection {
  /** Sends one text frame; false when the socket is not open (the frame is lost, the link will reconnect). */
  send(text: string): boolean;
  close(): void;
}

export interface CoordinatorConnectionEvents {
  onOpen(): void;
  onMessage(text: string): void;
  /** Called once, whether it never opened or dropped later; `reason` is plain words for the log and the slice. */
  onClose(reason: string): void;
}

export interface CoordinatorSocket {
  connect(url: string, events: CoordinatorConnectionEvents): CoordinatorConnection;
}

/** A running local coordinator (the embedded network). */
export interface EmbeddedNetwork {
  url: string;
  /** Stops it and resolves once the process is gone. */
  stop(): Promise<void>;
  /** Called once if it exits without stop(); `detail` is the tail of its output. */
  onExit(listener: (detail: string) => void): void;
}

export interface EmbeddedNetworkLauncher {
  /** Starts the coordinator in `dataDir` on `port` (0 = any) and resolves with its URL once it said it is ready. */
  start(options: { dataDir: string; port: number }): Promise<EmbeddedNetwork>;
}

/** The timed benchmark answerer (electron/core/network/timed-responder.ts). */
export interface BenchResponder {
  commit(challenge: CoordinatorMessageOf<'bench-challenge'>): Promise<Pick<ProviderMessageOf<'bench-roots'>, 'roots' | 'device' | 'backend' | 'software'>>;
  open(probe: CoordinatorMessageOf<'bench-probe'>): Promise<ProviderMessageOf<'bench-openings'>['answers']>;
}

export type RunSpecOutcome =
  | { accepted: true; jobId: string; done: Promise<{ outcome: JobRecord['outcome']; exitCode: number | null; workedMs: number; outputDigest: string | null; reason: string | null }> }
  | { accepted: false; reason: string; message: string };

/** The job runner as the link sees it (implemented by JobService). */
export interface NetworkJobs {
  runSpec(raw: unknown, source: 'network'): Promise<RunSpecOutcome>;
  current(): CurrentJob | null;
  recent(): JobRecord[];
  /** Stops the job if it is the one on this machine. */
  stop(jobId: string, reason: string): Promise<void>;
  logs(jobId: string): { lines: string[]; droppedLines: number } | null;
  onChange(listener: () => void): () => void;
}

/** Where the link hands what the network says about money (implemented by electron/core/earnings/earnings-book.ts). */
export interface EarningsSink {
  /** At every enrolment, the network that enrolled us: where it pays out, which key signs its receipts, its token. */
  networkInfo(network: NetworkInfo): void;
  earnings(frame: CoordinatorMessageOf<'earnings'>): void;
}

/** Net profit as the link sees it (implemented by ProviderCore over electron/core/earnings/net-profit.ts). */
export interface OfferProfit {
  /** The net per hour of an offer paying `pricePerSecond`, and whether the owner takes no work at a loss. */
  forOffer(pricePerSecond: string): { estimate: NetProfit | null; stopWhenUnprofitable: boolean };
}

/** The scheduler as the link sees it. */
export interface AvailabilityFeed {
  current(): Availability | null;
  onTransition(listener: (transition: AvailabilityTransition) => void): () => void;
  onPreemption(listener: (event: PreemptionEvent) => void): () => void;
}

/** What survives a daemon restart: the session to resume, the seq reached, unacknowledged statuses, our network jobs. */
export interface PersistedLinkState {
  sessionId: string | null;
  providerId: string | null;
  lastSeq: number;
  pending: QueuedStatus[];
  /** Network jobs accepted and not yet reported final (a crash in between is reported as interrupted). */
  activeJobIds: string[];
}

export interface LinkStateStore {
  load(): PersistedLinkState;
  save(state: PersistedLinkState): void;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface LinkSettings {
  get(): Settings;
}

export type InventorySource = () => Promise<GpuInventory | null>;
