import type { FirewallListing, GuardChain, HostInterfaceAddress } from './egress-policy.js';

/**
 * The container engine as the job runner sees it: our own types, never dockerode's. Implemented over the
 * Docker Engine API (served by Docker or by `podman system service`) in adapters/docker-engine.ts.
 */

export const LABEL_MANAGED = 'io.offhours.managed';
export const LABEL_JOB_ID = 'io.offhours.job-id';
export const LABEL_SPEC_HASH = 'io.offhours.spec-hash';
/** Which Offhours data folder started it: two installs (or a CLI run with another --data-dir) never reconcile each other's jobs. */
export const LABEL_INSTANCE = 'io.offhours.instance';

export interface EngineInfo {
  /** "Docker" or "Podman". */
  product: 'Docker' | 'Podman' | 'unknown';
  version: string;
  os: string;
  /** NVIDIA container toolkit registered as a runtime (DeviceRequests work). */
  nvidiaRuntime: boolean;
  /** CDI device names the engine knows (e.g. "nvidia.com/gpu=0"); empty when none or unknown. */
  cdiDevices: string[];
  /** Where the engine keeps images, when it says and it is on this machine. */
  dataRoot: string | null;
  /** The engine runs as an ordinary user (rootless Podman or Docker); absent when it did not say. */
  rootless?: boolean;
}

export interface ImageInfo {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  sizeBytes: number;
  /** The image's configured USER ('' when unset). */
  user: string;
}

/** One event of an image pull, reduced to what we show. */
export interface PullEvent {
  /** Layer id (short digest) when the event is about one layer. */
  layer: string | null;
  status: string;
  current: number | null;
  total: number | null;
}

/** Layers and their compressed sizes, from the registry's manifest (when reachable). */
export interface ImageManifestSummary {
  layers: Array<{ digest: string; sizeBytes: number }>;
}

/** What we ask the engine to create: hardening decided in jobs/hardening.ts, expressed in our terms. */
export interface GuestContainerConfig {
  name: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** "uid:gid"; never root. */
  user: string;
  labels: Record<string, string>;
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
  /** Size-capped tmpfs mounts (path → bytes); the root filesystem itself is read-only. */
  tmpfs: Record<string, number>;
  network: 'none' | 'egress';
  /** Where an egress guest attaches (jobs/egress-guard.ts); an egress guest without it is never created. */
  egress?: EgressAttachment;
  gpu: { mode: 'nvidia'; count: number } | { mode: 'cdi'; devices: string[] } | null;
}

/** The fenced network an egress guest joins, with its name service and the host names that must not lead to this PC. */
export interface EgressAttachment {
  network: string;
  dns: string[];
  /** Host name → address written into the guest's /etc/hosts, overriding what the engine would put there. */
  hosts: Record<string, string>;
}

/** A bridge network of ours, as the engine reports it back. */
export interface EngineNetwork {
  name: string;
  bridge: string;
  subnets: string[];
  gateways: string[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'paused' | 'exited' | 'dead' | 'removing' | 'restarting' | 'unknown';
}

export interface ContainerStatus extends ContainerSummary {
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  oomKilled: boolean;
  /** The hardening as the engine reports it back (checked by tests). */
  hostConfig: {
    readonlyRootfs: boolean;
    capDrop: string[];
    capAdd: string[];
    securityOpt: string[];
    privileged: boolean;
    networkMode: string;
    pidsLimit: number | null;
    memoryBytes: number;
    nanoCpus: number;
    binds: string[];
    mounts: number;
    portBindings: number;
    user: string;
  };
}

export interface LogStream {
  /** Resolves when the stream ends: 'ended' when the engine finished it, 'broken' when it failed or was closed. */
  done: Promise<'ended' | 'broken'>;
  close(): void;
}

export interface ContainerEngine {
  /** Where we reached it, for display (e.g. "unix:///run/podman/podman.sock"). */
  readonly endpoint: string;
  info(): Promise<EngineInfo>;
  inspectImage(ref: string): Promise<ImageInfo | null>;
  listImages(): Promise<ImageInfo[]>;
  /** The registry manifest of an image reference, or null when the registry cannot be asked. */
  fetchManifest(ref: string): Promise<ImageManifestSummary | null>;
  pullImage(ref: string, onEvent: (event: PullEvent) => void, signal?: AbortSignal): Promise<void>;
  removeImage(id: string): Promise<void>;
  /** Free bytes where the engine stores images, or null when unknown (remote engine). */
  freeDiskBytes(): Promise<number | null>;
  createContainer(config: GuestContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Sends SIGTERM, waits graceSeconds, then SIGKILL. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  killContainer(id: string): Promise<void>;
  removeContainer(id: string): Promise<void>;
  /** Resolves once the container has stopped, with its exit code (null when the engine does not say). */
  waitContainer(id: string): Promise<number | null>;
  inspectContainer(id: string): Promise<ContainerStatus | null>;
  /** Only containers carrying io.offhours.managed=true: never anyone else's. */
  listManagedContainers(): Promise<ContainerSummary[]>;
  /**
   * Our bridge network of that name (labelled io.offhours.managed), created with that bridge interface when
   * absent. Throws when a network of that name exists without our label: it is someone else's.
   */
  ensureNetwork(name: string, bridge: string): Promise<EngineNetwork>;
  /**
   * Streams stdout/stderr straight from the container, not from the engine's log file (which is capped, and
   * which Podman stops following as soon as the container exits). Attached before start, it sees every byte;
   * `done` resolves once the container has exited and the output is drained.
   */
  attachOutput(id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream>;
  /** Follows stdout/stderr from the engine's log file: from the start as far as the file still holds it. */
  followLogs(id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream>;
}

/** Why no engine could be used, in terms the doctor turns into one sentence and a fix. */
export type EngineProblem =
  | { kind: 'missing'; tried: string[] }
  | { kind: 'not-running'; endpoint: string; detail: string }
  | { kind: 'permission-denied'; endpoint: string; detail: string }
  | { kind: 'error'; endpoint: string; detail: string };

export type EngineConnection = { ok: true; engine: ContainerEngine; info: EngineInfo } | { ok: false; problem: EngineProblem };

/** Finds and connects to an engine (discovery order in jobs/discovery.ts). */
export interface EngineConnector {
  connect(): Promise<EngineConnection>;
}


/** The host firewall as the guard needs it; adapters/host-firewall-iptables.ts is the one on Linux. */
export interface HostFirewall {
  /** This PC's addresses, as os.networkInterfaces() lists them. */
  interfaces(): HostInterfaceAddress[];
  /** Replaces our chains' rules with these (one step per family) and makes each built-in chain jump to ours. */
  install(family: 'ipv4' | 'ipv6', chains: readonly GuardChain[]): Promise<void>;
  /** Reads our chains back as the firewall holds them. */
  list(family: 'ipv4' | 'ipv6', chains: readonly GuardChain[]): Promise<FirewallListing>;
}
