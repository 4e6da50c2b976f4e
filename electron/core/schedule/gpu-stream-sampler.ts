import type { Timers } from '../network/ports.js';
import type { Clock, GpuProcess, LineStreamHandlers, LineStreamLauncher } from '../ports.js';
import { DEFAULT_RESTART_POLICY, hottest, parseTemperatureLine, PmonLineReader, restartDelay, SampleCollector, type PmonRow, type RestartPolicy } from './gpu-streams.js';
import { mergeGpuProcesses } from './parsers.js';

export interface GpuStreamSamplerOptions {
  /** How often nvidia-smi prints a sample (pmon takes whole seconds, 1 to 10). */
  periodMs?: number;
  /** A sample older than this is unknown (the stream hung or died). */
  staleAfterMs?: number;
  /** No read() for this long: the streams are stopped until the next one. */
  idleStopMs?: number;
  /** How long a read() that (re)started a stream waits for its first sample. */
  startWaitMs?: number;
  policy?: RestartPolicy;
}

export interface GpuSample {
  /** null: unknown (no nvidia-smi, or no fresh pmon sample). */
  processes: GpuProcess[] | null;
  temperatureC: number | null;
}

/**
 * NVIDIA GPU users and temperature from two long-lived nvidia-smi streams (`pmon` and `--query-gpu … -lms`) instead
 * of three nvidia-smi runs per scan: NVML's start-up costs tens of ms of CPU each time, which alone would break the
 * idle CPU goal. Streams start on the first read, are restarted with back-off when they end, and are stopped when
 * nobody has read for a while; a machine without nvidia-smi is looked at again only rarely.
 */
export class GpuStreamSampler {
  private readonly periodMs: number;
  private readonly staleAfterMs: number;
  private readonly idleStopMs: number;
  private readonly startWaitMs: number;
  private readonly pmonRows: SampleCollector<PmonRow>;
  private readonly temperatures: SampleCollector<number | null>;
  private readonly pmonReader = new PmonLineReader();
  private readonly pmon: SupervisedStream;
  private readonly temperature: SupervisedStream;
  private idleTimer: unknown = null;

  constructor(
    private readonly deps: { launcher: LineStreamLauncher; clock: Clock; timers: Pick<Timers, 'setTimeout' | 'clearTimeout'> },
    options: GpuStreamSamplerOptions = {},
  ) {
    this.periodMs = options.periodMs ?? 5000;
    this.staleAfterMs = options.staleAfterMs ?? this.periodMs * 2.5;
    this.idleStopMs = options.idleStopMs ?? this.periodMs * 4;
    this.startWaitMs = options.startWaitMs ?? 3000;
    const policy = options.policy ?? DEFAULT_RESTART_POLICY;
    // A sample is written at once; half a period of silence separates two of them.
    const gapMs = Math.min(1000, this.periodMs / 2);
    this.pmonRows = new SampleCollector(gapMs);
    this.temperatures = new SampleCollector(gapMs);
    const seconds = Math.min(10, Math.max(1, Math.round(this.periodMs / 1000)));
    this.pmon = new SupervisedStream(['pmon', '-d', String(seconds), '-s', 'um'], deps, policy, {
      started: () => {
        this.pmonReader.reset();
        this.pmonRows.clear();
      },
      line: (line, at) => {
        const row = this.pmonReader.read(line);
        if (row) this.pmonRows.push(row, at);
        return row !== null;
      },
    });
    this.temperature = new SupervisedStream(['--query-gpu=temperature.gpu', '--format=csv,noheader,nounits', '-lms', String(this.periodMs)], deps, policy, {
      started: () => this.temperatures.clear(),
      line: (line, at) => {
        const celsius = parseTemperatureLine(line);
        if (celsius !== undefined) this.temperatures.push(celsius, at);
        return celsius !== undefined;
      },
    });
  }

  /** The latest fresh sample; starts (or restarts, when their back-off allows) the streams as needed. */
  async read(): Promise<GpuSample> {
    this.keepAliveWhileRead();
    const started = [this.pmon, this.temperature].filter((stream) => stream.ensureRunning());
    if (started.length) await this.firstSamples(started);
    const now = this.deps.clock.now();
    const rows = this.pmonRows.latest(now, this.staleAfterMs);
    const temperatures = this.temperatures.latest(now, this.staleAfterMs);
    return {
      processes: rows ? mergeGpuProcesses(rows.flatMap((row) => (row.process ? [row.process] : []))) : null,
      temperatureC: temperatures ? hottest(temperatures) : null,
    };
  }

  /** Stops both streams; the next read() starts them again (a missing nvidia-smi stays remembered). */
  close(): void {
    if (this.idleTimer !== null) this.deps.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.pmon.stop();
    this.temperature.stop();
  }

  /** How many processes were started so far (both streams): for the spawn-count test and the logs. */
  get starts(): number {
    return this.pmon.starts + this.temperature.starts;
  }

  private keepAliveWhileRead(): void {
    if (this.idleTimer !== null) this.deps.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.deps.timers.setTimeout(() => this.close(), this.idleStopMs);
  }

  private async firstSamples(streams: SupervisedStream[]): Promise<void> {
    let timer: unknown = null;
    const timeout = new Promise<void>((resolve) => (timer = this.deps.timers.setTimeout(resolve, this.startWaitMs)));
    await Promise.race([Promise.all(streams.map((stream) => stream.firstSample)), timeout]);
    this.deps.timers.clearTimeout(timer);
  }
}

interface StreamCallbacks {
  /** A new process starts: what the old one said no longer counts. */
  started(): void;
  /** Returns whether the line was part of a sample. */
  line(line: string, at: number): boolean;
}

/** One nvidia-smi stream: started on demand, never more often than the restart policy allows after it ended. */
class SupervisedStream {
  private handle: { stop(): void } | null = null;
  private generation = 0;
  private notBefore = Number.NEGATIVE_INFINITY;
  private quickFailures = 0;
  private settleFirstSample: () => void = () => undefined;
  /** Resolves at the current process's first sample line, or when it ends. */
  firstSample: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    private readonly args: readonly string[],
    private readonly deps: { launcher: LineStreamLauncher; clock: Clock },
    private readonly policy: RestartPolicy,
    private readonly callbacks: StreamCallbacks,
  ) {}

  /** Starts the process unless it runs or its back-off has not passed; true when it was just started. */
  ensureRunning(): boolean {
    const now = this.deps.clock.now();
    if (this.handle || now < this.notBefore) return false;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.firstSample = new Promise((resolve) => (this.settleFirstSample = resolve));
    this.callbacks.started();
    this.starts++;
    let ended = false;
    const handlers: LineStreamHandlers = {
      onLine: (line) => {
        if (current() && this.callbacks.line(line, this.deps.clock.now())) this.settleFirstSample();
      },
      onEnd: ({ missing }) => {
        ended = true;
        if (!current()) return;
        this.handle = null;
        const at = this.deps.clock.now();
        const next = restartDelay({ missing, ranMs: at - now }, this.quickFailures, this.policy);
        this.quickFailures = next.quickFailures;
        this.notBefore = at + next.delayMs;
        this.settleFirstSample();
      },
    };
    const handle = this.deps.launcher.start(this.args, handlers);
    if (!ended) this.handle = handle;
    return true;
  }

  /** Our own stop: not a failure, and the back-off stays as it was. */
  stop(): void {
    this.generation++;
    this.handle?.stop();
    this.handle = null;
    this.settleFirstSample();
  }
}
