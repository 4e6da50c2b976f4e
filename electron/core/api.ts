import type { ProviderHandlers } from '../../protocol/api.js';
import type { GpuInventory } from '../../protocol/gpu.js';
import { initialJobSlice } from '../../protocol/job-spec.js';
import { initialEarningsSlice, initialNetworkSlice, type Notice, type ProviderState } from '../../protocol/state.js';
import { initialWalletSlice } from '../../protocol/wallet.js';
import { UserFacingError } from '../../protocol/errors.js';
import type { Settings } from '../../protocol/settings.js';
import type { BenchService } from './bench/bench-service.js';
import type { Doctor } from './doctor/index.js';
import { EventHub } from './event-hub.js';
import type { JobService } from './jobs/job-service.js';
import type { Clock, FileRevealer, GpuProbe, Logger, LoginItem, SettingsStore, Updater } from './ports.js';
import { SchedulerService, type SchedulerDeps, type SchedulerOptions } from './schedule/scheduler-service.js';
import { SettingsService } from './settings/settings-service.js';
import { NetworkLink, type NetworkLinkDeps } from './network/network-link.js';
import { networkJobsOf } from './network/jobs-port.js';
import { targetFor, type NetworkTarget } from './network/slice.js';
import { EarningsBook, type EarningsBookDeps } from './earnings/earnings-book.js';
import { LiveTicker } from './earnings/live-ticker.js';
import { netProfitAt, perHour } from './earnings/net-profit.js';
import type { GpuPowerMeter } from './earnings/ports.js';
import { PowerSampler } from './earnings/power-sampler.js';
import { tokenOf, withNetProfit, type ProfitInputs } from './earnings/profit-state.js';
import { systemCalendar, type LocalCalendar } from './schedule/calendar.js';
import type { Timers } from './network/ports.js';
import { WalletService, type WalletServiceDeps } from './wallet/wallet-service.js';
import { noWalletPorts } from './wallet/unavailable.js';
import { completeSetup } from './setup/complete-setup.js';
import { syncLoginItem } from './settings/login-item.js';
import { UpdateService } from './update/update-service.js';
import { externalUpdateSlice, PACKAGE_UPDATES_LINE, type RevealLogsResult } from '../../protocol/update.js';

/** What the hello tells the coordinator from settings; the coordinator choice itself applies at the next start. */
function helloSettingsOf(settings: Settings): string {
  return JSON.stringify([settings.wallet.payoutAddress, settings.network.minPricePerGpuHour]);
}

export interface ProviderCorePorts {
  clock: Clock;
  logger: Logger;
  gpuProbe: GpuProbe;
  settingsStore: SettingsStore;
}

export interface ProviderCoreOptions {
  mode: ProviderState['mode'];
  appVersion: string;
  dataDir: string;
  ports: ProviderCorePorts;
  /** The container job runner (electron/core/jobs); absent in minimal test setups. */
  jobs?: JobService;
  /** The benchmark (WebGPU and CUDA); absent where nothing can run it. */
  bench?: BenchService;
  /** `offhours doctor`'s checks (electron/core/doctor); absent in minimal test setups. */
  doctor?: Pick<Doctor, 'run'>;
  /** The availability scheduler's world (idle source, process scan, GPU activity, calendar); absent: no scheduler. */
  schedule?: Omit<SchedulerDeps, 'clock' | 'logger' | 'settings' | 'jobs'> & { options?: SchedulerOptions };
  /** The link to a coordinator (electron/core/network); absent: no network (the slice says off). */
  network?: Pick<NetworkLinkDeps, 'socket' | 'launcher' | 'responder' | 'signer' | 'store' | 'embeddedDataDir' | 'timers' | 'random'> & {
    /** `--network` for this session; otherwise settings.network.coordinator decides. */
    override?: NetworkTarget;
  };
  /** The earnings book's world (its file, the payout chain lookups, timers for them and the live ticker); absent: earnings are not kept (the slice stays empty). */
  earnings?: Pick<EarningsBookDeps, 'store' | 'checker' | 'random'> & { timers: Timers };
  /** Power readings while working, for net profit; absent: every electricity cost is an estimate. */
  power?: { meter: GpuPowerMeter | null; timers: Pick<Timers, 'setInterval' | 'clearInterval'> };
  /** The wallet's sealed key file and the balance reader; absent: the address can be set, nothing created or read. */
  wallet?: Pick<WalletServiceDeps, 'keys' | 'balances' | 'newSeed'>;
  /** The OS's sign-in list, kept in step with general.launchAtLogin; null: this install cannot start at sign-in; absent: not managed (tests). */
  loginItem?: LoginItem | null;
  /**
   * Where updates come from: the desktop app's own updater (checked at start and daily, never while a job is
   * here), or a line saying who updates this copy (headless: the package manager). Absent: the headless line.
   */
  updates?: { kind: 'self'; updater: Updater; timers: Pick<Timers, 'setInterval' | 'clearInterval'> } | { kind: 'external'; line: string };
  /** The log file, and what shows it in a file manager (desktop only); absent: `revealLogs` is refused. */
  logs?: { file: string; revealer: FileRevealer | null };
}

/**
 * The provider engine behind ProviderApi. Owns the truth (state, settings, services) and pushes a
 * fresh ProviderState snapshot on every change; the Electron shell and the headless daemon only
 * carry its handlers and events.
 */
export class ProviderCore {
  readonly events = new EventHub();
  readonly settings: SettingsService;
  readonly handlers: ProviderHandlers;
  private state: ProviderState;
  private detection: Promise<GpuInventory> | null = null;
  readonly scheduler: SchedulerService | null;
  readonly network: NetworkLink | null;
  readonly earnings: EarningsBook | null;
  private readonly ticker: LiveTicker | null;
  private stopLoginItemSync: (() => void) | null = null;
  private readonly power: PowerSampler | null;
  readonly wallet: WalletService;
  private readonly updates: UpdateService | null;
  private helloSettings = '';

  constructor(private readonly options: ProviderCoreOptions) {
    // Core's clock: the pause horizon and the settings revision follow the same time as the scheduler.
    this.settings = new SettingsService(options.ports.settingsStore, () => options.ports.clock.now());
    const notice = this.settings.startupNotice();
    if (notice) options.ports.logger.warn(notice.message);
    this.state = {
      revision: 0,
      mode: options.mode,
      appVersion: options.appVersion,
      dataDir: options.dataDir,
      gpus: null,
      detectingGpus: false,
      notices: notice ? [notice] : [],
      job: options.jobs?.state() ?? initialJobSlice(),
      availability: null,
      network: initialNetworkSlice(),
      earnings: initialEarningsSlice(),
      profit: null,
      wallet: initialWalletSlice(),
      update: externalUpdateSlice(options.updates?.kind === 'external' ? options.updates.line : PACKAGE_UPDATES_LINE),
    };
    options.jobs?.onChange(() => this.update({ job: options.jobs!.state() }));
    options.bench?.onProgress((progress) => this.events.emit('benchProgress', progress));
    this.scheduler = options.schedule
      ? new SchedulerService(
          {
            ...options.schedule,
            clock: options.ports.clock,
            logger: options.ports.logger,
            settings: this.settings,
            jobs: options.jobs?.control,
            engineHealthy: options.schedule.engineHealthy ?? (options.jobs ? () => options.jobs!.state().engine.state === 'ready' : undefined),
            // Jobs come only from the coordinator now: while it is unreachable the PC waits instead of claiming "available".
            networkHealthy: options.schedule.networkHealthy ?? (() => this.network?.healthy() ?? true),
          },
          options.schedule.options,
        )
      : null;
    this.scheduler?.onAvailability((availability) => this.update({ availability }));
    this.scheduler?.onTransition((transition) => this.events.emit('availability', transition));
    this.scheduler?.onPreemption((event) => this.events.emit('preemption', event));
    // Before the link, which hands it the network's earnings reports; its notices (a damaged file) go to the owner.
    this.earnings = options.earnings ? new EarningsBook({ ...options.earnings, clock: options.ports.clock, logger: options.ports.logger, notify: (n) => this.addNotice(n) }) : null;
    if (this.earnings) this.state = { ...this.state, earnings: this.earnings.state() };
    this.earnings?.onChange((earnings) => this.update({ earnings }));
    this.ticker = this.createTicker();
    this.power = options.power
      ? new PowerSampler({ ...options.power, logger: options.ports.logger, working: () => this.state.availability?.state === 'working', onTick: () => this.refreshProfit() })
      : null;
    this.wallet = this.createWallet();
    this.updates = this.createUpdates();
    this.network = this.createNetworkLink();
    this.helloSettings = helloSettingsOf(this.settings.get());
    if (this.network) this.state = { ...this.state, network: this.network.state() };
    this.settings.onChange((next) => {
      // Every change, whoever made it, reaches every window: a tray pause must flip the Schedule page's button too.
      this.events.emit('settings', { revision: this.settings.revision, settings: next });
      this.refreshProfit();
      const before = this.helloSettings;
      this.helloSettings = helloSettingsOf(next);
      if (before !== this.helloSettings) this.network?.rehello();
    });
    this.network?.onChange((network) => {
      this.update({ network });
      // The scheduler's "network-down" depends on the link: look again now rather than at the next tick.
      if (this.scheduler?.current()) void this.scheduler.tick();
    });
    this.handlers = {
      getState: async () => this.state,
      detectGpus: async () => this.detectGpus(),
      getSettings: async () => this.settings.get(),
      updateSettings: async (patch) => this.settings.update(patch),
      dismissNotice: async (id) => {
        this.update({ notices: this.state.notices.filter((n) => n.id !== id) });
        return null;
      },
      pauseEarning: async (request) => this.requireScheduler().pause(request),
      resumeEarning: async () => this.requireScheduler().resume(),
      runBenchmark: async (request) => this.requireBench().run(request),
      getBenchHistory: async () => (options.bench ? options.bench.history() : []),
      runLocalJob: async (text) => this.requireJobs().runLocalText(text),
      getJobLogs: async (jobId) => this.requireJobs().getLogs(jobId),
      stopJob: async () => {
        await this.requireJobs().stopCurrent('Stopped from the Jobs page');
        return null;
      },
      checkEngine: async () => this.requireJobs().recheckEngine(),
      setWalletAddress: async (address) => this.wallet.setAddress(address),
      createWallet: async () => this.wallet.create(),
      // The input schema already demanded { confirm: true }: the owner asked for the secret key explicitly.
      exportWalletSecret: async () => this.wallet.exportSecret(),
      refreshWallet: async () => this.wallet.refresh(),
      exportEarningsCsv: async () => {
        if (!this.earnings) throw new UserFacingError('earnings-unavailable', 'This copy of Offhours keeps no earnings record.', 'Run "offhours headless" or the desktop app.');
        return this.earnings.exportCsv();
      },
      completeSetup: async (request) => completeSetup(this.settings, request, options.ports.clock),
      revealLogs: async () => this.revealLogs(),
      runDoctor: async () => {
        if (!options.doctor) throw new UserFacingError('doctor-unavailable', 'This copy of Offhours cannot run its self-check.', 'Run "offhours doctor" in a terminal instead.');
        return options.doctor.run();
      },
    };
  }

  /** The live earnings ticker: a paid run's money pushed every second as an event (earnings page, tray). */
  private createTicker(): LiveTicker | null {
    const { earnings, jobs } = this.options;
    if (!earnings || !jobs) return null;
    const ticker = new LiveTicker({
      timers: earnings.timers,
      clock: this.options.ports.clock,
      currentJob: () => jobs.current(),
      daily: () => this.state.earnings.daily,
      emit: (tick) => this.events.emit('earningsTick', tick),
    });
    jobs.onChange(() => ticker.sync());
    return ticker;
  }

  /** The wallet follows the earnings book: it reads balances on the chain the network pays on. */
  private createWallet(): WalletService {
    const { logger, clock } = this.options.ports;
    const wallet = new WalletService({ ...(this.options.wallet ?? noWalletPorts()), settings: this.settings, clock, logger, notify: (n) => this.addNotice(n) });
    wallet.followEarnings(this.state.earnings);
    this.state = { ...this.state, wallet: wallet.state() };
    wallet.onChange((slice) => this.update({ wallet: slice }));
    this.earnings?.onChange((earnings) => wallet.followEarnings(earnings));
    return wallet;
  }

  /** The self-updater, where this copy has one: it follows the job (no check, no install at quit while one is here). */
  private createUpdates(): UpdateService | null {
    const updates = this.options.updates;
    if (updates?.kind !== 'self') return null;
    // Busy: a job is on this PC, running or frozen (the scheduler's "working" always has one).
    const busy = () => this.state.job.current !== null;
    const service = new UpdateService({ updater: updates.updater, timers: updates.timers, clock: this.options.ports.clock, logger: this.options.ports.logger, busy });
    this.state = { ...this.state, update: service.state() };
    service.onChange((update) => this.update({ update }));
    // Registered after core's own listeners, so busy() reads the state they just updated.
    this.options.jobs?.onChange(() => service.jobChanged());
    return service;
  }

  /** The log file's path, shown in the file manager where this PC's screen is the owner's (the desktop app). */
  private revealLogs(): RevealLogsResult {
    const logs = this.options.logs;
    if (!logs) throw new UserFacingError('logs-unavailable', 'This copy of Offhours keeps no log file.', 'Run "offhours headless" or the desktop app.');
    if (!logs.revealer) return { path: logs.file, opened: false };
    logs.revealer.reveal(logs.file);
    return { path: logs.file, opened: true };
  }

  private createNetworkLink(): NetworkLink | null {
    const network = this.options.network;
    if (!network) return null;
    const { override, ...ports } = network;
    return new NetworkLink({
      ...ports,
      target: override ?? targetFor(this.settings.get().network.coordinator),
      appVersion: this.options.appVersion,
      jobs: this.options.jobs ? networkJobsOf(this.options.jobs, () => this.state.job) : undefined,
      earnings: this.earnings ?? undefined,
      profit: { forOffer: (pricePerSecond) => this.offerProfit(pricePerSecond) },
      availability: this.scheduler ? { current: () => this.scheduler!.current(), onTransition: (l) => this.scheduler!.onTransition(l), onPreemption: (l) => this.scheduler!.onPreemption(l) } : undefined,
      // The last detection is enough for a hello; detecting again on every reconnect would spin nvidia-smi for nothing.
      inventory: async () => this.state.gpus ?? this.detectGpus(),
      settings: this.settings,
      clock: this.options.ports.clock,
      logger: this.options.ports.logger,
    });
  }

  /** What an offer at this price nets per hour here, for the owner's minimum-profit rule. */
  private offerProfit(pricePerSecond: string) {
    const context = { ...this.profitInputs(), gpus: this.state.gpus?.gpus ?? [], token: tokenOf(this.state) };
    return { estimate: netProfitAt(perHour(pricePerSecond), context), stopWhenUnprofitable: context.electricity.stopWhenUnprofitable };
  }

  private profitInputs(): ProfitInputs {
    const calendar: LocalCalendar = this.options.schedule?.calendar ?? systemCalendar;
    return {
      electricity: this.settings.get().electricity,
      measured: this.power?.readings() ?? new Map(),
      localHour: Math.floor(calendar(this.options.ports.clock.now()).minuteOfDay / 60),
    };
  }

  /** Works the net out again (a new power reading, the tariff's hour, a new price) and pushes it if it changed. */
  private refreshProfit(): void {
    if (withNetProfit(this.state, this.profitInputs()) !== this.state) this.update({});
  }

  private requireBench(): BenchService {
    if (!this.options.bench) throw new UserFacingError('bench-unavailable', 'This copy of Offhours cannot run the benchmark.', 'Reinstall Offhours, then try again.');
    return this.options.bench;
  }

  private requireScheduler(): SchedulerService {
    if (!this.scheduler) throw new UserFacingError('scheduler-unavailable', 'This copy of Offhours has no scheduler.', 'Run "offhours headless" or the desktop app.');
    return this.scheduler;
  }

  private requireJobs(): JobService {
    if (!this.options.jobs) throw new UserFacingError('jobs-unavailable', 'This copy of Offhours cannot run jobs.', 'Run "offhours headless" or the desktop app.');
    return this.options.jobs;
  }

  getState(): ProviderState {
    return this.state;
  }

  /** Starts background work; resolves once the first GPU detection is done. */
  async start(): Promise<void> {
    // The link starts once the job runner reconciled, so it knows which network jobs survived a restart.
    this.earnings?.start();
    this.power?.start();
    this.wallet.start();
    this.updates?.start();
    if (this.options.loginItem !== undefined && !this.stopLoginItemSync) {
      this.stopLoginItemSync = syncLoginItem({ settings: this.settings, item: this.options.loginItem, logger: this.options.ports.logger, notify: (n) => this.addNotice(n) });
    }
    await Promise.all([this.detectGpus(), this.startJobs().then(() => Promise.all([this.scheduler?.start(), this.network?.start()]))]);
  }

  async stop(): Promise<void> {
    this.stopLoginItemSync?.();
    this.stopLoginItemSync = null;
    await this.detection?.catch(() => undefined);
    await this.network?.stop();
    this.earnings?.stop();
    this.ticker?.stop();
    this.power?.stop();
    this.wallet.stop();
    this.updates?.stop();
    await this.scheduler?.stop();
    await this.options.jobs?.shutdown(this.settings.get().general.stopJobsOnQuit).catch((error: unknown) => {
      this.options.ports.logger.error('stopping jobs at quit failed', { error: String(error) });
    });
  }

  /** Connects the job runner and reports jobs a crash cut short (the journal makes that exactly once). */
  private async startJobs(): Promise<void> {
    if (!this.options.jobs) return;
    try {
      for (const job of await this.options.jobs.start()) {
        this.addNotice({
          id: `job-interrupted-${job.jobId}`,
          level: 'warning',
          title: 'A job was interrupted',
          message: `Job ${job.jobId} was cut short: ${job.reason} ${Math.floor(job.workedMs / 1000)} s of work before that are on record.`,
          nextStep: null,
        });
      }
    } catch (error) {
      this.options.ports.logger.error('the job runner could not start', { error: String(error) });
      const body = error instanceof UserFacingError ? error : null;
      this.addNotice({
        id: 'jobs-start-failed',
        level: 'error',
        title: 'Jobs cannot run',
        message: body?.message ?? `The job runner could not start: ${(error as Error)?.message ?? String(error)}`,
        nextStep: body?.nextStep ?? 'Run "offhours doctor" for details, then restart Offhours.',
      });
    }
  }

  addNotice(notice: Notice): void {
    this.update({ notices: [...this.state.notices.filter((n) => n.id !== notice.id), notice] });
  }

  private async detectGpus() {
    if (!this.detection) {
      this.update({ detectingGpus: true });
      this.detection = this.options.ports.gpuProbe
        .detect()
        .catch((error: unknown): GpuInventory => {
          // The probe's contract is to never throw; if it does anyway, say so instead of hanging the UI.
          this.options.ports.logger.error('GPU detection failed', { error: String(error) });
          return {
            status: 'driver-error',
            gpus: [],
            reason: `Looking for graphics cards failed: ${error instanceof Error ? error.message : String(error)}`,
            nextStep: 'Run "offhours doctor" for details, then restart Offhours.',
            detectedAt: new Date(this.options.ports.clock.now()).toISOString(),
          };
        })
        .then((inventory) => {
          this.update({ gpus: inventory, detectingGpus: false });
          return inventory;
        })
        .finally(() => {
          this.detection = null;
        });
    }
    return this.detection;
  }

  private update(patch: Partial<Omit<ProviderState, 'revision'>>): void {
    // Net profit follows from the rest of the state (rate, token, GPUs), so it is worked out with every change.
    this.state = { ...withNetProfit({ ...this.state, ...patch }, this.profitInputs()), revision: this.state.revision + 1 };
    this.events.emit('state', this.state);
  }
}
