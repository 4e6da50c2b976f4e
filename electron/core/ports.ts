import type { KernelName } from '../../protocol/bench/report.js';
import type { GpuInventory } from '../../protocol/gpu.js';
import type { Settings, SettingsFieldReset } from '../../protocol/settings.js';
import type {
  AdapterDescription as WebGpuAdapterDescription,
  HarnessOptions as WebGpuHarnessOptions,
  HarnessResult as WebGpuHarnessResult,
  TimedGemmOptions as WebGpuTimedGemmOptions,
  TimedGemmResult as WebGpuTimedGemmResult,
} from '../../protocol/bench/wgsl/harness.js';

/**
 * What core needs from the world. The ports several capabilities share live here; a capability's own live in its
 * folder's ports.ts (jobs/ports.ts: the container engine and the host firewall; gpu/ports.ts: nvidia-smi and the
 * graphics controllers; network/, earnings/, wallet/ports.ts). Nowhere else: electron/ports-layout.test.ts fails
 * for an adapter implementing an interface declared outside a ports.ts. Each port has one adapter file per
 * environment (electron/core/adapters for plain Node, electron/main for Electron-only ones) and in-memory twins in
 * tests. Types here are ours, never a library's.
 */

export interface Clock {
  now(): number;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Where finished lines go (stderr, the log file). Sinks only ever see redacted text. */
export interface LogSink {
  write(level: LogLevel, line: string): void;
}

/** Finds the GPUs in this machine. Never throws: a missing driver is an inventory with a reason. */
export interface GpuProbe {
  detect(): Promise<GpuInventory>;
}

export interface SettingsLoadResult {
  settings: Settings;
  /** Set when the file on disk was unreadable or invalid and was moved aside. */
  quarantined: { movedTo: string; reason: string } | null;
  migratedFrom: number | null;
  /** Set when fields of an older file failed bounds added since and fell back to their defaults (the file was copied aside first). */
  fieldsReset?: { fields: SettingsFieldReset[]; copyAt: string };
}

/** Persists settings (conf in headless, electron-store in the desktop app; same schema). */
export interface SettingsStore {
  load(): SettingsLoadResult;
  save(settings: Settings): void;
}

/**
 * What the availability scheduler may do to the job on this machine (implemented by the job runner).
 * freeze/thaw use the engine's cgroup freezer (pause/unpause): instant, and the job keeps its GPU memory.
 */
export interface JobControl {
  /** The job on this machine right now, or null when none. */
  current(): { jobId: string; state: 'running' | 'frozen' } | null;
  freeze(reason: string): Promise<void>;
  thaw(): Promise<void>;
  /** Stops with a grace period and removes the container, releasing its GPU memory. */
  stop(reason: string): Promise<void>;
}

/**
 * Runs the WebGPU benchmark harness (protocol/bench/wgsl) on this machine's adapter: Dawn in Node,
 * a hidden window's navigator.gpu in the desktop app. Errors are UserFacingErrors.
 */
export interface WebGpuRunner {
  describe(): Promise<WebGpuAdapterDescription>;
  run(options: Omit<WebGpuHarnessOptions, 'nowMs'>): Promise<WebGpuHarnessResult>;
  /**
   * The coordinator's timed challenge: C_k = A_k·B_k once per seed with the benchmark's tiled SGEMM, each C
   * hashed into its Merkle tree on the GPU; only the roots and the leaves (32 B per row) come back, never C
   * (no trials, no timing: the coordinator times the whole run).
   */
  runTimedGemms(options: Omit<WebGpuTimedGemmOptions, 'nowMs' | 'onProgress'>): Promise<WebGpuTimedGemmResult>;
}

export interface CudaBenchOptions {
  /** Challenge seed, 16 lowercase hex digits. */
  seedHex: string;
  /** GEMM size (n×n). */
  n: number;
  quick: boolean;
  /** Which kernels to run (the benchmark's one list, protocol/bench/report.ts); empty = the executable's default set for the mode. */
  kernels: KernelName[];
  /** Where to write C = A·B as raw little-endian f32 (n·n·4 bytes). */
  outC?: string;
  /** CPU reference mode: the same outputs computed exactly on the CPU (small n, no GPU needed). */
  cpu?: boolean;
  /** Timed trials per kernel (the executable's --trials; default 7). The timed challenge runs 1. */
  trials?: number;
  /** Override the sustained SGEMM phase length (seconds). */
  sustainedSeconds?: number;
  /** Triad size in elements (multiple of 4); default chosen by the executable. */
  triadElements?: number;
  /** Which NVIDIA GPU (CUDA device index). */
  device?: number;
  /** Cancels the run (the process is killed). */
  signal?: AbortSignal;
}

/** The device fields a signed report carries (protocol/bench/report.ts CudaDeviceSchema). */
export interface CudaDeviceInfo {
  name: string;
  /** "major.minor", e.g. "8.6". */
  computeCapability: string;
  smCount: number;
  memoryBytes: number;
  driverVersion: string;
  runtimeVersion: string;
}

export interface CudaDeviceDetails {
  index: number;
  count: number;
  clockKHz: number;
  memoryClockKHz: number;
  memoryBusWidthBits: number;
  l2Bytes: number;
  pciBusId: string;
  uuid: string;
}

export interface CudaKernelTiming {
  name: KernelName;
  unit: 'GFLOPS' | 'GB/s';
  /** GPU time of each trial (cudaEvents), integer ns, warm-up excluded, in run order. */
  trialsNs: number[];
  /** FLOPs or bytes per trial. */
  workPerTrial: number;
  launchesPerTrial: number;
  params: string;
}

export interface CudaBenchResult {
  ok: true;
  mode: 'cuda' | 'cpu';
  kernelHash: string;
  seedHex: string;
  n: number;
  /** null in CPU mode. */
  device: CudaDeviceInfo | null;
  deviceDetails: CudaDeviceDetails | null;
  kernels: CudaKernelTiming[];
  /** C = A·B: where it came from, its weighted checksum (decimal string), and the file when outC was given. */
  gemm: { source: 'sgemm' | 'hgemm' | 'cpu'; checksum: string; outC: string | null } | null;
  triad: { elements: number; scalar: number; checksum: string } | null;
  /** The executable's own exact check of its GPU output (Freivalds; tensor-core C equals FP32 C). */
  selfCheck: { freivalds: boolean; hgemmMatchesSgemm: boolean | null } | null;
  sustained: { ms: number } | null;
  wallMs: number;
}

export interface CudaBenchFailure {
  ok: false;
  code: string;
  message: string;
  nextStep: string;
}

/** One progress step of a run; `done`/`total` count trials (or milliseconds for sgemm_sustained). */
export interface CudaBenchProgress {
  /** The kernel the work belongs to (input fill, self-check and writing C count under sgemm/hgemm). */
  kernel: KernelName;
  phase: 'inputs' | 'warmup' | 'trial' | 'verify' | 'write' | 'cpu';
  done: number;
  total: number;
}

/**
 * Runs the CUDA benchmark executable as a child process. Never throws and never hangs: a missing binary,
 * no GPU, a driver crash or a timeout come back as a CudaBenchFailure with a next step.
 */
export interface CudaBenchRunner {
  run(options: CudaBenchOptions, onProgress?: (progress: CudaBenchProgress) => void): Promise<CudaBenchResult | CudaBenchFailure>;
}

/** What an idle source can tell about the owner right now (availability scheduler). */
export interface IdleReading {
  /** Seconds since the last keyboard, mouse (and, where the source sees it, controller) input. */
  idleSeconds: number;
  /** The session is locked or the screen saver locked it. */
  locked: boolean;
  /** Running on battery; false when the machine has none or the source cannot tell. */
  onBattery: boolean;
  /** No source can see the owner at all; idleSeconds is then 0 (we assume they are here). */
  presenceUnknown?: boolean;
}

/** The parts of a desktop's idle monitor we use (Electron's powerMonitor has this shape), in our own types. */
export interface SystemIdleMonitor {
  getSystemIdleTime(): number;
  getSystemIdleState(idleThresholdSeconds: number): string;
  isOnBatteryPower(): boolean;
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/**
 * The owner's presence: Electron powerMonitor in the desktop app; evdev, X11 (xprintidle) or logind in
 * headless Linux; or "dedicated rig: always idle". read() is called on every scheduler tick (≤ 250 ms)
 * and must be cheap; sources that must spawn a tool cache and refresh at their own pace.
 */
export interface IdleSource {
  readonly name: string;
  read(): Promise<IdleReading>;
  /** Sources that see input as it happens call this so the scheduler samples at once. */
  onActivity?(listener: () => void): () => void;
  /**
   * On while a job runs and waits on the owner's return (the only time a late sample costs them GPU time):
   * polled sources then refresh fast enough to freeze the job within 300 ms, and slowly again once off, so
   * an owner at the PC never pays for the fast polling.
   */
  watchClosely?(on: boolean): void;
  close?(): void;
}

/** A running process, as a process scan sees it. */
export interface ProcessInfo {
  pid: number;
  /** Executable name, e.g. "cs2.exe" or "dota2". */
  name: string;
  /** Full command line when the platform gives it ('' otherwise). */
  command: string;
}

/** Lists processes (ps//proc on Linux, tasklist on Windows); run every few seconds, not every tick. */
export interface ProcessScanner {
  list(): Promise<ProcessInfo[]>;
}

/** A process holding the GPU, per the vendor tool (nvidia-smi pmon). */
export interface GpuProcess {
  pid: number;
  name: string;
  kind: 'compute' | 'graphics' | 'unknown';
  /** SM utilisation in percent when known, else null. */
  smPercent: number | null;
  usedMiB: number | null;
}

/** Who uses the GPU and how hot it is; never throws (no driver → no processes, null temperature). */
export interface GpuActivitySource {
  read(): Promise<{ processes: GpuProcess[]; temperatureC: number | null }>;
  /** Whether a process belongs to our job (its container's cgroup), so it is never "foreign". */
  isOurs(pid: number): boolean;
  /** Nothing will read for a while (the scheduler stopped): let go of whatever runs to answer read(). */
  close?(): void;
}

/** A long-lived program whose output is read line by line as it comes (nvidia-smi in loop mode). */
export interface LineStreamLauncher {
  /** Starts the program with `args`; onEnd is called once, when it ended by itself (never after stop()). */
  start(args: readonly string[], handlers: LineStreamHandlers): { stop(): void };
}

export interface LineStreamHandlers {
  onLine(line: string): void;
  /** missing: the program does not exist here. */
  onEnd(end: { missing: boolean }): void;
}

/**
 * The device's ed25519 identity (structurally a protocol/bench/signing.ts ReportSigner): created on first use,
 * private key encrypted at rest, never returned, logged or sent to the renderer.
 */
export interface DeviceKeyStore {
  /** 32-byte public key as lowercase hex; creates the key pair on first call. */
  publicKeyHex(): Promise<string>;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/**
 * Encrypts small secrets for storage on disk: AES-256-GCM with a 0600 key file in headless
 * (electron/core/bench/keys/aes-file-sealer.ts), Electron safeStorage in the desktop app.
 */
export interface SecretSealer {
  /** Stored beside the sealed data, so a store sealed one way is never opened another way by mistake. */
  readonly kind: string;
  seal(plain: Uint8Array): Promise<Uint8Array>;
  open(sealed: Uint8Array): Promise<Uint8Array>;
}

/** The operating system's "start this program when I sign in" list, for Offhours' own entry only. */
export interface LoginItem {
  /** Adds (true) or removes (false) Offhours' entry. Throws with words an owner can act on when the OS refuses. */
  setEnabled(enabled: boolean): Promise<void>;
}

/** What the self-updater reports, in our words (electron-updater's events, mapped in electron/main/updater-electron.ts). */
export type UpdaterEvent =
  | { kind: 'checking' }
  | { kind: 'available'; version: string }
  | { kind: 'not-available' }
  | { kind: 'progress'; percent: number }
  | { kind: 'downloaded'; version: string }
  | { kind: 'error'; message: string };

/**
 * The desktop app's self-updater (electron-updater). A found update downloads in the background; it is installed
 * only when the app quits, and only while setInstallOnQuit(true) — core decides that (never while a job runs).
 * The headless service has none: its updates come from a package manager or a new AppImage.
 */
export interface Updater {
  /** Looks for an update once; the outcome arrives through onEvent (a failure as an 'error' event, never a throw). */
  check(): Promise<void>;
  setInstallOnQuit(allowed: boolean): void;
  onEvent(listener: (event: UpdaterEvent) => void): () => void;
}

/** Shows a file in the OS's file manager (the desktop app's "Reveal logs"); absent headless, where the browser may be on another machine. */
export interface FileRevealer {
  reveal(path: string): void;
}

/**
 * A small JSON file of recent main-process crash times (<data>/crash-history.json), so the relaunch back-off
 * survives the relaunch it causes.
 */
export interface CrashHistoryStore {
  /** Crash times (epoch ms), oldest first; [] when there is no file or it is unreadable. */
  load(): number[];
  save(times: readonly number[]): void;
}

/** How a Node child of this app ended: `code` null when a signal ended it (`signal`) or it never started (`error`). */
export interface NodeChildEnd {
  code: number | null;
  signal: string | null;
  error: Error | null;
}

/**
 * A module of this app run as a Node child process, talking by structured-clone messages. Heavy or fragile work
 * (Dawn and the GPU driver, the report check, systeminformation, the embedded network) runs in one, so a crash or
 * a hang there costs only the child.
 */
export interface NodeChild {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Text the child writes (only with `output: 'pipe'`). */
  onStdout(listener: (text: string) => void): void;
  onStderr(listener: (text: string) => void): void;
  /** Once, when the child is gone, after every message it sent was delivered. */
  onEnd(listener: (end: NodeChildEnd) => void): void;
  readonly ended: boolean;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface NodeChildOptions {
  env: NodeJS.ProcessEnv;
  /** The child's name where the OS or Electron lists processes. */
  name: string;
  /** stdout and stderr: read through onStdout/onStderr, or dropped. */
  output: 'pipe' | 'ignore';
  /** Its own process group (where the launcher can): a Ctrl+C meant for us does not reach it. */
  detached?: boolean;
}

/**
 * Starts Node children: child_process.fork under plain Node; Electron's utilityProcess in the desktop app, whose
 * binary never runs as plain Node (its RunAsNode fuse is off: the environment cannot turn it into Node).
 */
export interface NodeChildLauncher {
  fork(modulePath: string, args: readonly string[], options: NodeChildOptions): NodeChild;
}
