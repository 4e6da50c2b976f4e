import { CoordinatorMessageSchema, HEARTBEAT_INTERVAL_MS, MAX_FRAME_BYTES, PROVIDER_WS_PATH, type CoordinatorMessage, type CoordinatorMessageOf, type ProviderMessage } from '../../../protocol/network.js';
import { signHello } from '../../../protocol/network-signing.js';
import type { NetworkSlice } from '../../../protocol/state.js';
import type { AvailabilityTransition } from '../../../protocol/availability.js';
import type { Clock, DeviceKeyStore, Logger } from '../ports.js';
import { backoffDelay, RECONNECT_BACKOFF } from './backoff.js';
import { EmbeddedSupervisor } from './embedded-supervisor.js';
import { helloBody } from './hello.js';
import { JobReporter } from './job-reporter.js';
import { ownerPresent } from './job-status.js';
import { decideOffer } from './offer-decision.js';
import type { AvailabilityFeed, BenchResponder, CoordinatorConnection, CoordinatorSocket, EarningsSink, EmbeddedNetworkLauncher, InventorySource, LinkSettings, LinkStateStore, NetworkJobs, OfferProfit, Timers } from './ports.js';
import { SeqCounter } from './seq.js';
import { SLICE_WORDS, startingSlice, unreachableSlice, wsUrlFor, type NetworkTarget } from './slice.js';

export interface NetworkLinkDeps {
  target: NetworkTarget;
  /** Where the embedded coordinator keeps its database (<data dir>/network). */
  embeddedDataDir: string;
  appVersion: string;
  socket: CoordinatorSocket;
  launcher?: EmbeddedNetworkLauncher;
  responder?: BenchResponder;
  jobs?: NetworkJobs;
  availability?: AvailabilityFeed;
  /** Receives the network's earnings reports (receipts, payouts) to check and keep. */
  earnings?: EarningsSink;
  /** Net profit after electricity, for the owner's minimum-profit rule; absent: offers are not judged on it. */
  profit?: OfferProfit;
  signer: DeviceKeyStore;
  inventory: InventorySource;
  settings: LinkSettings;
  store: LinkStateStore;
  clock: Clock;
  logger: Logger;
  timers: Timers;
  random: () => number;
}

/** A connection that has not been enrolled within this long is dropped and tried again. */
export const HANDSHAKE_TIMEOUT_MS = 15_000;
/** Error codes after which retrying at once is pointless: the owner (or an update) must change something. */
const REFUSING_CODES = new Set(['bad-signature', 'protocol-version', 'refused']);

type FrameWithoutSeq = ProviderMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;

/**
 * The app's link to a coordinator (issue 8): starts the embedded network when asked, enrols this device over one
 * WebSocket, tells the coordinator when the scheduler lets the PC work, takes offers the scheduler allows, and
 * reports what each network job does, surviving coordinator outages (reconnect, resume, replay) without
 * disturbing the schedule, benchmarks or a running job.
 */
export class NetworkLink {
  private slice: NetworkSlice;
  private readonly listeners = new Set<(slice: NetworkSlice) => void>();
  private readonly reporter: JobReporter;
  private readonly seq: SeqCounter;
  private readonly supervisor: EmbeddedSupervisor | null;
  private readonly unsubscribe: Array<() => void> = [];
  private url: string | null;
  private connection: CoordinatorConnection | null = null;
  private enrolled = false;
  private attempt = 0;
  private refusedBecause: string | null = null;
  private retryTimer: unknown = null;
  private handshakeTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private startingOffer = false;
  private stopped = true;

  constructor(private readonly deps: NetworkLinkDeps) {
    this.slice = startingSlice(deps.target);
    this.url = deps.target.kind === 'remote' ? deps.target.url : null;
    this.reporter = new JobReporter({ jobs: deps.jobs, store: deps.store, clock: deps.clock, logger: deps.logger, connected: () => this.enrolled }, () => this.flush());
    this.seq = new SeqCounter(this.reporter.persisted().lastSeq, deps.clock.now());
    this.supervisor =
      deps.target.kind === 'embedded' && deps.launcher
        ? new EmbeddedSupervisor(
            { launcher: deps.launcher, dataDir: deps.embeddedDataDir, logger: deps.logger, timers: deps.timers, random: deps.random },
            { onReady: (url) => this.embeddedReady(url), onDown: (detail, delayMs) => this.embeddedDown(detail, delayMs) },
          )
        : null;
  }

  state(): NetworkSlice {
    return this.slice;
  }

  onChange(listener: (slice: NetworkSlice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For the scheduler: false while a configured network is not reachable (it then waits instead of saying "available"). */
  healthy(): boolean {
    return this.deps.target.kind === 'off' || this.enrolled;
  }

  /** Call after the job runner reconciled, so our jobs of an earlier run are known. */
  start(): void {
    if (!this.stopped || this.deps.target.kind === 'off') return;
    this.stopped = false;
    this.reporter.reconcile();
    if (this.deps.jobs) this.unsubscribe.push(this.deps.jobs.onChange(() => this.reporter.jobsChanged()));
    if (this.deps.availability) {
      this.unsubscribe.push(this.deps.availability.onTransition((t) => this.sendAvailability(t)));
      this.unsubscribe.push(this.deps.availability.onPreemption((event) => this.reporter.preempted(event)));
    }
    if (this.supervisor) this.supervisor.start();
    else this.connect();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.clearTimers();
    this.connection?.close();
    this.connection = null;
    this.enrolled = false;
    this.reporter.save({ lastSeq: this.seq.current() });
    await this.supervisor?.stop();
  }

  /**
   * The hello carries the payout address and the minimum price: when the owner changes them, enrol again on a
   * fresh connection (the session resumes) instead of waiting for the next outage.
   */
  rehello(): void {
    if (this.stopped || !this.connection) return;
    const connection = this.connection;
    this.connection = null;
    this.enrolled = false;
    this.clearTimers();
    this.reporter.disconnected();
    connection.close();
    this.connect();
  }

  // ---- embedded network --------------------------------------------------------------------------------

  private embeddedReady(url: string): void {
    this.url = url;
    this.setSlice({ url });
    if (this.connection) return;
    // It is back (or up for the first time): connect now instead of waiting out a back-off meant for a dead one.
    this.cancelRetry();
    this.attempt = 0;
    this.connect();
  }

  private embeddedDown(detail: string, delayMs: number): void {
    if (this.connection) return;
    this.setSlice({ connection: 'starting', message: SLICE_WORDS.embeddedDown(Math.ceil(delayMs / 1000)), nextRetryAt: new Date(this.deps.clock.now() + delayMs).toISOString() });
    this.deps.logger.warn('embedded network down', { detail });
  }

  // ---- connection --------------------------------------------------------------------------------------

  private connect(): void {
    this.retryTimer = null;
    if (this.stopped || this.connection || !this.url) return;
    const url = this.url;
    this.setSlice({ connection: 'connecting', message: SLICE_WORDS.connecting(url), nextRetryAt: null });
    const connection = this.deps.socket.connect(wsUrlFor(url, PROVIDER_WS_PATH), {
      onOpen: () => undefined,
      onMessage: (text) => {
        if (this.connection === connection) void this.receive(text);
      },
      onClose: (reason) => {
        if (this.connection === connection) this.dropped(reason);
      },
    });
    this.connection = connection;
    this.handshakeTimer = this.deps.timers.setTimeout(() => {
      if (this.connection === connection && !this.enrolled) {
        this.deps.logger.warn('the coordinator did not enrol us in time; reconnecting');
        connection.close();
        // A socket that reports its own close synchronously has already been handled.
        if (this.connection === connection) this.dropped('no enrolment within 15 s');
      }
    }, HANDSHAKE_TIMEOUT_MS);
  }

  private dropped(reason: string): void {
    this.connection = null;
    this.enrolled = false;
    this.clearTimers();
    this.reporter.disconnected();
    this.reporter.save({ lastSeq: this.seq.current() });
    if (this.stopped) return;
    const delayMs = backoffDelay(this.attempt++, this.deps.random(), RECONNECT_BACKOFF);
    this.deps.logger.warn('network link down', { reason, retryInMs: delayMs });
    this.setSlice(unreachableSlice(this.slice, this.deps.clock.now(), delayMs, this.refusedBecause));
    this.retryTimer = this.deps.timers.setTimeout(() => this.connect(), delayMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private clearTimers(): void {
    this.cancelRetry();
    if (this.handshakeTimer !== null) this.deps.timers.clearTimeout(this.handshakeTimer);
    if (this.heartbeatTimer !== null) this.deps.timers.clearInterval(this.heartbeatTimer);
    this.handshakeTimer = this.heartbeatTimer = null;
  }

  private sendRaw(frame: ProviderMessage): boolean {
    return this.connection?.send(JSON.stringify(frame)) ?? false;
  }

  /** Every frame after hello gets the next seq of the session. */
  private send(frame: FrameWithoutSeq): number | null {
    if (!this.connection || !this.enrolled) return null;
    const seq = this.seq.next();
    return this.sendRaw({ ...frame, seq } as ProviderMessage) ? seq : null;
  }

  // ---- incoming ----------------------------------------------------------------------------------------

  private async receive(text: string): Promise<void> {
    const message = parseFrame(text);
    if (!message) {
      this.deps.logger.warn('ignored a frame from the coordinator that does not parse', { bytes: text.length });
      return;
    }
    try {
      await this.dispatch(message);
    } catch (error) {
      this.deps.logger.error('handling a coordinator frame failed', { type: message.type, error: String(error) });
    }
  }

  private async dispatch(message: CoordinatorMessage): Promise<void> {
    switch (message.type) {
      case 'welcome':
        return this.welcome(message);
      case 'enrolled':
        return this.enrolledAs(message);
      case 'standing':
      case 'bench-result':
        this.setSlice({ standing: message.standing, providerId: message.standing.providerId });
        return;
      case 'error':
        return this.coordinatorError(message);
      case 'ping':
        this.send({ type: 'pong', pingId: message.pingId });
        return;
      case 'bench-challenge':
        return this.benchChallenge(message);
      case 'bench-probe':
        return this.benchProbe(message);
      case 'offer':
        return this.offer(message);
      case 'offer-withdrawn':
        this.deps.logger.info('offer withdrawn', { offerId: message.offerId, reason: message.reason });
        return;
      case 'cancel-job':
        return this.cancelJob(message);
      case 'log-request':
        return this.logRequest(message);
      case 'job-status-ack':
        this.reporter.ack(message.jobId, message.status, message.seq);
        return;
      case 'earnings':
        // Only from the network this session enrolled with: its welcome set the key the receipts are checked against.
        if (this.enrolled) this.deps.earnings?.earnings(message);
        return;
    }
  }

  private async welcome(message: CoordinatorMessageOf<'welcome'>): Promise<void> {
    const connection = this.connection;
    this.setSlice({ network: message.network });
    const body = helloBody({
      coordinatorNonce: message.coordinatorNonce,
      devicePublicKey: await this.deps.signer.publicKeyHex(),
      settings: this.deps.settings.get(),
      inventory: await this.deps.inventory().catch(() => null),
      appVersion: this.deps.appVersion,
      resumeSessionId: this.reporter.persisted().sessionId,
      runningJobIds: this.reporter.runningJobIds(),
    });
    const hello = await signHello(body, this.deps.signer);
    if (this.connection === connection) this.sendRaw(hello);
  }

  private enrolledAs(message: CoordinatorMessageOf<'enrolled'>): void {
    if (this.handshakeTimer !== null) this.deps.timers.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.enrolled = true;
    this.attempt = 0;
    this.refusedBecause = null;
    const now = new Date(this.deps.clock.now()).toISOString();
    this.setSlice({ connection: 'connected', message: SLICE_WORDS.connected(this.slice.network), nextRetryAt: null, enrolled: true, sessionId: message.sessionId, providerId: message.standing.providerId, standing: message.standing, lastConnectedAt: now });
    this.reporter.save({ sessionId: message.sessionId, providerId: message.standing.providerId, lastSeq: this.seq.current() });
    // Taken from the network that enrolled us (not one that only greeted): its key checks the receipts that follow.
    if (this.slice.network) this.deps.earnings?.networkInfo(this.slice.network);
    this.deps.logger.info('enrolled in the network', { providerId: message.standing.providerId, sessionId: message.sessionId, resumed: message.resumed });
    this.heartbeatTimer = this.deps.timers.setInterval(() => this.heartbeat(), HEARTBEAT_INTERVAL_MS);
    this.sendAvailability(null);
    this.flush();
    void this.stopUnexpectedJobs(message.keepJobIds);
  }

  /** A job the coordinator no longer expects (it gave it to someone else while we were away) earns nothing: stop it. */
  private async stopUnexpectedJobs(keep: string[]): Promise<void> {
    for (const jobId of this.reporter.runningJobIds()) {
      if (!keep.includes(jobId)) await this.deps.jobs?.stop(jobId, 'The network no longer expects this job (it was reassigned while the link was down).');
    }
  }

  private coordinatorError(message: CoordinatorMessageOf<'error'>): void {
    this.deps.logger.warn('the coordinator answered with an error', { code: message.code, message: message.message, seq: message.seq, fatal: message.fatal });
    if (message.fatal && REFUSING_CODES.has(message.code)) this.refusedBecause = message.message.replace(/\.$/, '');
  }

  // ---- up ----------------------------------------------------------------------------------------------

  private heartbeat(): void {
    const availability = this.deps.availability?.current();
    // lastSeq is not saved here: the counter restarts above the clock anyway, and the daemon stays quiet on disk.
    this.send({ type: 'heartbeat', availability: availability?.state ?? 'off', reason: availability?.reason ?? 'starting' });
  }

  private sendAvailability(transition: AvailabilityTransition | null): void {
    const current = this.deps.availability?.current();
    const state = transition?.to ?? current?.state;
    const reason = transition?.reason ?? current?.reason;
    if (!state || !reason) return;
    this.send({ type: 'availability', state, reason, ownerPresent: ownerPresent(reason) });
  }

  /** Sends every status not yet sent on this connection, oldest first. */
  private flush(): void {
    if (!this.enrolled) return;
    for (const entry of this.reporter.unsent()) {
      const { id: _id, sentSeq: _sent, ...status } = entry;
      const seq = this.send({ type: 'job-status', ...status });
      if (seq === null) return;
      this.reporter.markSent(entry.id, seq);
    }
  }

  // ---- benchmark ---------------------------------------------------------------------------------------

  private async benchChallenge(challenge: CoordinatorMessageOf<'bench-challenge'>): Promise<void> {
    if (!this.deps.responder) {
      this.send({ type: 'bench-failed', challengeId: challenge.challengeId, code: 'no-benchmark', message: 'This copy of Offhours cannot run the timed benchmark.' });
      return;
    }
    try {
      const roots = await this.deps.responder.commit(challenge);
      this.send({ type: 'bench-roots', challengeId: challenge.challengeId, ...roots });
    } catch (error) {
      this.send({ type: 'bench-failed', challengeId: challenge.challengeId, code: errorCode(error), message: errorText(error) });
    }
  }

  private async benchProbe(probe: CoordinatorMessageOf<'bench-probe'>): Promise<void> {
    if (!this.deps.responder) return;
    try {
      this.send({ type: 'bench-openings', challengeId: probe.challengeId, answers: await this.deps.responder.open(probe) });
    } catch (error) {
      this.send({ type: 'bench-failed', challengeId: probe.challengeId, code: errorCode(error), message: errorText(error) });
    }
  }

  // ---- jobs --------------------------------------------------------------------------------------------

  private async offer(offer: CoordinatorMessageOf<'offer'>): Promise<void> {
    const decision = decideOffer({
      availability: this.deps.availability?.current()?.state ?? null,
      runningJobId: this.deps.jobs?.current()?.jobId ?? null,
      starting: this.startingOffer,
      enrolled: this.enrolled && !!this.deps.jobs,
      nowMs: this.deps.clock.now(),
      deadlineMs: Date.parse(offer.deadline),
      profit: this.deps.profit?.forOffer(offer.spec.price.perSecond),
    });
    if (!decision.accept) return this.reply(offer, false, decision.reason, decision.message);
    // Statuses name the job by the spec's id (the runner's); an offer whose two ids differ could never be reported.
    if (offer.spec.id !== offer.jobId) return this.reply(offer, false, 'invalid', `The offer names job ${offer.jobId} but its spec is job ${offer.spec.id}.`);
    this.startingOffer = true;
    try {
      const outcome = await this.deps.jobs!.runSpec(offer.spec, 'network');
      if (!outcome.accepted) return this.reply(offer, false, outcome.reason, outcome.message);
      this.reporter.accepted(outcome.jobId, outcome.done);
      this.reply(offer, true, null, null);
      this.deps.logger.info('network job accepted', { jobId: outcome.jobId, offerId: offer.offerId });
    } catch (error) {
      this.reply(offer, false, errorCode(error), errorText(error));
    } finally {
      this.startingOffer = false;
    }
  }

  private reply(offer: CoordinatorMessageOf<'offer'>, accept: boolean, reason: string | null, message: string | null): void {
    if (!accept) this.deps.logger.info('offer declined', { offerId: offer.offerId, jobId: offer.jobId, reason });
    this.send({ type: 'offer-reply', offerId: offer.offerId, accept, reason: reason?.slice(0, 100) ?? null, message: message?.slice(0, 500) ?? null });
  }

  private async cancelJob(message: CoordinatorMessageOf<'cancel-job'>): Promise<void> {
    if (!this.reporter.isOurs(message.jobId)) return;
    this.deps.logger.info('the network cancelled a job', { jobId: message.jobId, reason: message.reason });
    await this.deps.jobs?.stop(message.jobId, `Cancelled by the network: ${message.reason}`);
  }

  private logRequest(request: CoordinatorMessageOf<'log-request'>): void {
    const logs = this.reporter.isOurs(request.jobId) ? this.deps.jobs?.logs(request.jobId) : null;
    const lines = (logs?.lines ?? []).slice(-request.maxLines).map((line) => line.slice(0, 4096));
    this.send({ type: 'job-logs', requestId: request.requestId, jobId: request.jobId, lines, droppedLines: logs?.droppedLines ?? 0 });
  }

  private setSlice(patch: Partial<NetworkSlice>): void {
    this.slice = { ...this.slice, ...patch };
    for (const listener of this.listeners) listener(this.slice);
  }
}

/** Size-capped, JSON, and one of the coordinator's frames; anything else is null. */
export function parseFrame(text: string): CoordinatorMessage | null {
  if (text.length > MAX_FRAME_BYTES) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = CoordinatorMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return (typeof code === 'string' && code ? code : 'error').slice(0, 100);
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
