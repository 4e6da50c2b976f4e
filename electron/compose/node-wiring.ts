import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderCoreOptions } from '../core/api.js';
import { ConsoleLogger, systemClock } from '../core/adapters/console-logger.js';
import { RotatingLogFile } from '../core/adapters/log-file.js';
import { XdgAutostartLoginItem } from '../core/adapters/login-item-xdg.js';
import type { LoginItem } from '../core/ports.js';
import { SystemGpuProbe } from '../core/adapters/system-gpu-probe.js';
import { DockerEngineConnector } from '../core/adapters/docker-engine-connector.js';
import { IptablesHostFirewall } from '../core/adapters/host-firewall-iptables.js';
import { EgressGuardedConnector } from '../core/jobs/egress-guard.js';
import { nodeHostProbe } from '../core/adapters/host-probe-node.js';
import { JobService } from '../core/jobs/job-service.js';
import type { DeviceKeyStore, GpuProbe, IdleSource, Logger, NodeChildLauncher } from '../core/ports.js';
import { DawnWebGpuRunner } from '../core/adapters/dawn-webgpu.js';
import { cudaBenchCandidates } from '../core/doctor/checks/benchmark.js';
import { Doctor, type DoctorContext } from '../core/doctor/index.js';
import { CudaBenchProcessRunner } from '../core/adapters/cuda-bench-runner.js';
import { BenchService } from '../core/bench/bench-service.js';
import { JsonlBenchHistory } from '../core/bench/history-file.js';
import { protocolJudge } from '../core/bench/judge.js';
import { verifyInChild } from '../core/adapters/verify-child.js';
import { nodeForkLauncher } from '../core/adapters/node-child-fork.js';
import { headlessDeviceKeyStore } from '../core/bench/keys/headless.js';
import { NvidiaSmiGpuActivity } from '../core/adapters/gpu-processes-nvidia-smi.js';
import { NvidiaSmiPowerMeter } from '../core/adapters/gpu-power-nvidia-smi.js';
import { ProcProcessScanner } from '../core/adapters/process-scan-proc.js';
import { TasklistProcessScanner } from '../core/adapters/process-scan-tasklist.js';
import { SteamAwareProcessScanner } from '../core/adapters/process-scan-steam-windows.js';
import { systemCalendar } from '../core/schedule/calendar.js';
import { appVersion, packageRoot } from './package-root.js';
import { WsCoordinatorSocket } from '../core/adapters/ws-coordinator-socket.js';
import { EmbeddedNetworkProcess } from '../core/adapters/embedded-network-process.js';
import { LinkStateFile } from '../core/network/link-state-file.js';
import { TimedBenchResponder } from '../core/network/timed-responder.js';
import type { NetworkTarget } from '../core/network/slice.js';
import type { Timers } from '../core/network/ports.js';
import { EarningsFile } from '../core/earnings/earnings-file.js';
import { CHECK_TIMEOUT_MS } from '../core/earnings/earnings-book.js';
import { SolanaPayoutChecker } from '../core/adapters/solana-payout-checker.js';
import { SolanaBalanceReader } from '../core/adapters/solana-balances.js';
import { AesFileSealer } from '../core/bench/keys/aes-file-sealer.js';
import { KEYS_DIR } from '../core/bench/keys/headless.js';
import { WalletKeyFile, type WalletKeyFileOptions } from '../core/wallet/wallet-key-file.js';

/**
 * The one Node wiring both composition roots share (docs/ARCHITECTURE.md, Layout: electron/compose/): the daemon
 * (electron/headless/compose.ts) and the desktop shell (electron/main/compose.ts) build their services from these
 * builders. Like the roots, this module may import core's adapters; it never imports electron, headless/ or main/.
 */

/** How long one balance read may take before the Wallet page says the RPC did not answer. */
const BALANCE_TIMEOUT_MS = 15_000;

/**
 * The wallet's world: the key created here in <data dir>/keys/wallet-key.json, sealed like the device key (the
 * AES file key headless; the desktop app passes its keychain sealer first), and the network's Solana RPC for
 * balances. The daemon, the desktop app and `offhours wallet` without a running service share it.
 */
export function walletPorts(dataDir: string, sealers: WalletKeyFileOptions['sealers'] = [headlessSealer(dataDir)]): NonNullable<ProviderCoreOptions['wallet']> {
  return {
    keys: new WalletKeyFile({ file: join(dataDir, KEYS_DIR, 'wallet-key.json'), sealers }),
    balances: new SolanaBalanceReader({ timeoutMs: BALANCE_TIMEOUT_MS }),
  };
}

/** The AES-256-GCM file sealer the headless device key uses (<data dir>/keys/sealing.key). */
export function headlessSealer(dataDir: string): AesFileSealer {
  return new AesFileSealer(join(dataDir, KEYS_DIR, 'sealing.key'));
}

/** Node's timers; the interval is unref'd so a heartbeat alone never keeps a process alive. */
export const nodeTimers: Timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout), setInterval: (f, ms) => setInterval(f, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };

/** GPU power read while a job runs (nvidia-smi), for net profit after electricity; the daemon and the desktop app share it. */
export function powerPorts(): NonNullable<ProviderCoreOptions['power']> {
  return { meter: new NvidiaSmiPowerMeter(), timers: nodeTimers };
}

/**
 * The earnings book's world: <data dir>/earnings.json, and the Solana RPC the network names for looking each payout
 * up (the daemon and the desktop app share it).
 */
export function earningsPorts(dataDir: string, logger: Logger): NonNullable<ProviderCoreOptions['earnings']> {
  return {
    store: new EarningsFile(join(dataDir, 'earnings.json'), logger),
    checker: new SolanaPayoutChecker({ timeoutMs: CHECK_TIMEOUT_MS }),
    timers: nodeTimers,
    random: Math.random,
  };
}

/**
 * The network link's world (issue 8): `ws` to the coordinator, the embedded coordinator as a child process in
 * <data dir>/network, the link's own state file. The desktop app passes its safeStorage device key and its
 * utilityProcess launcher for Node children.
 */
export function networkPorts(dataDir: string, logger: Logger, signer: DeviceKeyStore, override?: NetworkTarget, children: NodeChildLauncher = nodeForkLauncher): NonNullable<ProviderCoreOptions['network']> {
  return {
    override,
    socket: new WsCoordinatorSocket(),
    launcher: new EmbeddedNetworkProcess({ cliPath: join(packageRoot(), 'bin', 'offhours.js'), children }),
    // The coordinator times this itself; it runs on the same WebGPU (Dawn) and CUDA program as `offhours bench`.
    responder: new TimedBenchResponder({ webgpu: new DawnWebGpuRunner({ children }), cuda: new CudaBenchProcessRunner() }),
    signer,
    store: new LinkStateFile(join(dataDir, 'network-link.json'), logger),
    embeddedDataDir: join(dataDir, 'network'),
    timers: nodeTimers,
    random: Math.random,
  };
}

/** What the scheduler watches; the desktop app passes its powerMonitor idle source instead. */
export function scheduleSources(jobs: JobService, idle: IdleSource): NonNullable<ProviderCoreOptions['schedule']> {
  return {
    calendar: systemCalendar,
    idle,
    processes: process.platform === 'win32' ? new SteamAwareProcessScanner(new TasklistProcessScanner()) : new ProcProcessScanner(),
    // Our own containers' processes are ours, not a game's: they count only while no job of ours runs.
    gpu: new NvidiaSmiGpuActivity(() => jobs.control.current() !== null),
  };
}

/** The benchmark on Dawn WebGPU and the CUDA executable, signing with the data dir's device key (daemon and `offhours bench`). */
export function createHeadlessBench(dataDir: string, logger: Logger, signer: DeviceKeyStore = headlessDeviceKeyStore(dataDir), children: NodeChildLauncher = nodeForkLauncher): BenchService {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return new BenchService(
    {
      webgpu: new DawnWebGpuRunner({ children }),
      cuda: new CudaBenchProcessRunner(),
      signer,
      history: new JsonlBenchHistory(dataDir),
      judge: protocolJudge((report, challenge, nowMs) => verifyInChild(report, challenge, nowMs, { children })),
      clock: systemClock,
      logger,
    },
    { appVersion: appVersion() },
  );
}

/** The container job runner on this machine's Docker/Podman (the daemon and `offhours job run` share it). */
export function createHeadlessJobs(dataDir: string, logger: Logger, gpuProbe: GpuProbe = new SystemGpuProbe()): JobService {
  return new JobService({ connector: guardedEngineConnector(), host: nodeHostProbe(), clock: systemClock, logger, dataDir, gpus: gpuProbe });
}

/** This machine's engine, with egress guests fenced off from the PC and its network by the host firewall. */
function guardedEngineConnector(): EgressGuardedConnector {
  return new EgressGuardedConnector(DockerEngineConnector.forThisMachine(), new IptablesHostFirewall(), process.platform);
}

/** `offhours doctor`'s checks on the plain-Node adapters (the CLI verb and ProviderApi.runDoctor). */
export function createHeadlessDoctor(dataDir: string, gpuProbe = new SystemGpuProbe(), webgpu = new DawnWebGpuRunner(), overrides: Partial<DoctorContext> = {}): Doctor {
  const engines = guardedEngineConnector();
  return new Doctor(
    {
      dataDir,
      nodeVersion: process.versions.node,
      runtime: 'node',
      detectGpus: () => gpuProbe.detectDetailed(),
      webgpu,
      cudaBenchPaths: cudaBenchCandidates(packageRoot()),
      engineConnector: engines,
      egressGuardFor: (engine, info) => engines.guardFor(engine, info),
      hostProbe: nodeHostProbe(),
      ...overrides,
    },
    systemClock,
  );
}

/** Where both processes keep their log: rotated, owner-only, in the data folder (Settings' "Reveal logs" opens it). */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'offhours.log');
}

/** The process logger both shells use: stderr plus the log file, with `secrets` (e.g. the dashboard token) never written. */
export function processLogger(dataDir: string, options: { quiet?: boolean; secrets?: readonly string[] } = {}): ConsoleLogger {
  const logger = new ConsoleLogger(options.quiet ?? false, new RotatingLogFile(logFilePath(dataDir)));
  for (const secret of options.secrets ?? []) logger.redactor.remember(secret);
  return logger;
}

/** Sign-in start for the headless service: an XDG autostart entry on Linux (`offhours headless` on this data folder); elsewhere none. */
export function headlessLoginItem(dataDir: string): LoginItem | null {
  if (process.platform !== 'linux') return null;
  return XdgAutostartLoginItem.forThisUser([process.execPath, join(packageRoot(), 'bin', 'offhours.js'), 'headless', '--data-dir', dataDir]);
}
