import type Docker from 'dockerode';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { engineCandidates, parseEndpoint, type EngineCandidate } from '../jobs/discovery.js';
import {
  LABEL_MANAGED,
  type ContainerEngine,
  type ContainerStatus,
  type ContainerSummary,
  type EngineConnection,
  type EngineConnector,
  type EngineInfo,
  type EngineProblem,
  type GuestContainerConfig,
  type ImageInfo,
  type ImageManifestSummary,
  type LogStream,
  type PullEvent,
} from '../jobs/engine-port.js';

/**
 * The ContainerEngine port over the Docker Engine API (Docker, or `podman system service`), with dockerode.
 * The only file that imports dockerode. Nothing here decides policy: hardening comes in as a
 * GuestContainerConfig and is translated one to one.
 */

interface HttpError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

function statusOf(error: unknown): number | undefined {
  return (error as HttpError | null)?.statusCode;
}

function describe(error: unknown): string {
  const e = error as HttpError | null;
  return e?.json?.message ?? e?.message ?? String(error);
}

/** The body of POST /containers/create for a guest: every hardening field spelled out. Pure. */
export function toCreateBody(config: GuestContainerConfig): Docker.ContainerCreateOptions {
  const tmpfs: Record<string, string> = {};
  for (const [path, bytes] of Object.entries(config.tmpfs)) tmpfs[path] = `rw,nosuid,nodev,size=${bytes},mode=1777`;
  const deviceRequests: Docker.DeviceRequest[] = [];
  const devices: Docker.DeviceMapping[] = [];
  if (config.gpu?.mode === 'nvidia') deviceRequests.push({ Driver: 'nvidia', Count: config.gpu.count, Capabilities: [['gpu']] });
  if (config.gpu?.mode === 'cdi') {
    // Docker 25+ takes CDI names as a device request; Podman takes them as device paths.
    deviceRequests.push({ Driver: 'cdi', DeviceIDs: config.gpu.devices });
    for (const name of config.gpu.devices) devices.push({ PathOnHost: name, PathInContainer: '', CgroupPermissions: 'rwm' });
  }
  return {
    name: config.name,
    Image: config.image,
    Cmd: config.command,
    Env: Object.entries(config.env).map(([k, v]) => `${k}=${v}`),
    User: config.user,
    Labels: config.labels,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    NetworkDisabled: config.network === 'none',
    ExposedPorts: {},
    HostConfig: {
      Privileged: false,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: config.pidsLimit,
      Memory: config.memoryBytes,
      MemorySwap: config.memoryBytes,
      NanoCpus: config.nanoCpus,
      NetworkMode: config.network === 'none' ? 'none' : 'bridge',
      PortBindings: {},
      PublishAllPorts: false,
      Binds: [],
      Mounts: [],
      Tmpfs: tmpfs,
      IpcMode: 'private',
      PidMode: '',
      UTSMode: '',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      AutoRemove: false,
      Init: false,
      DeviceRequests: deviceRequests.length ? deviceRequests : [],
      Devices: devices,
      // The engine keeps what a guest prints on the owner's disk; cap it (json-file is Podman's k8s-file alias).
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '1' } },
    },
  };
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr chunks. */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void) {}

  push(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    while (this.pending.length >= 8) {
      const kind = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      this.onChunk(kind === 2 ? 'stderr' : 'stdout', payload);
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

function containerState(state: string | undefined): ContainerSummary['state'] {
  const s = (state ?? '').toLowerCase();
  if (s === 'configured' || s === 'initialized') return 'created';
  if (s === 'stopped') return 'exited';
  return (['created', 'running', 'paused', 'exited', 'dead', 'removing', 'restarting'] as const).find((k) => k === s) ?? 'unknown';
}

// --- registry manifests (layer sizes for byte progress when the engine reports no byte counts) ----------

interface ParsedRef {
  registry: string;
  repository: string;
  reference: string;
}

export function parseImageRef(ref: string): ParsedRef | null {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const reference = at >= 0 ? ref.slice(at + 1) : 'latest';
  const parts = name.split('/');
  const first = parts[0] ?? '';
  let registry = 'registry-1.docker.io';
  let repoParts = parts;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first === 'docker.io' ? 'registry-1.docker.io' : first;
    repoParts = parts.slice(1);
  }
  if (registry === 'registry-1.docker.io' && repoParts.length === 1) repoParts = ['library', ...repoParts];
  if (!repoParts.length || !reference) return null;
  return { registry, repository: repoParts.join('/'), reference };
}

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

async function fetchWithBearer(url: string, accept: string): Promise<Response> {
  const first = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(8000) });
  if (first.status !== 401) return first;
  const challenge = first.headers.get('www-authenticate') ?? '';
  const fields = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!/^Bearer/i.test(challenge) || !fields.realm) return first;
  const tokenUrl = new URL(fields.realm);
  if (fields.service) tokenUrl.searchParams.set('service', fields.service);
  if (fields.scope) tokenUrl.searchParams.set('scope', fields.scope);
  const tokenResponse = await fetch(tokenUrl, { signal: AbortSignal.timeout(8000) });
  if (!tokenResponse.ok) return first;
  const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) return first;
  return fetch(url, { headers: { accept, authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(8000) });
}

async function fetchManifestFromRegistry(ref: string): Promise<ImageManifestSummary | null> {
  const parsed = parseImageRef(ref);
  if (!parsed) return null;
  const schemes = isLoopbackRegistry(parsed.registry) ? ['https', 'http'] : ['https'];
  for (const scheme of schemes) {
    try {
      const base = `${scheme}://${parsed.registry}/v2/${parsed.repository}/manifests/`;
      let response = await fetchWithBearer(base + parsed.reference, MANIFEST_ACCEPT);
      if (!response.ok) continue;
      let doc = (await response.json()) as {
        layers?: Array<{ digest: string; size: number }>;
        manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
      };
      if (doc.manifests && !doc.layers) {
        const arch = process.arch === 'x64' ? 'amd64' : process.arch;
        const pick = doc.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
        if (!pick) return null;
        response = await fetchWithBearer(base + pick.digest, MANIFEST_ACCEPT);
        if (!response.ok) return null;
        doc = (await response.json()) as typeof doc;
      }
      if (!doc.layers) return null;
      return { layers: doc.layers.map((l) => ({ digest: l.digest, sizeBytes: l.size })) };
    } catch {
      // try the next scheme; no manifest just means layer-count progress
    }
  }
  return null;
}

// --- CDI ---------------------------------------------------------------------------------------------

/** CDI device names from spec files (/etc/cdi, /var/run/cdi), e.g. "nvidia.com/gpu=0". */
export function cdiDevicesFromSpecs(texts: string[]): string[] {
  const names: string[] = [];
  for (const text of texts) {
    const kind = /^\s*"?kind"?\s*:\s*"?([\w.-]+\/[\w.-]+)"?/m.exec(text)?.[1];
    if (!kind) continue;
    for (const match of text.matchAll(/^\s*-?\s*"?name"?\s*:\s*"?([\w.-]+)"?\s*,?\s*$/gm)) names.push(`${kind}=${match[1]}`);
  }
  return [...new Set(names)];
}

function localCdiDevices(): string[] {
  const texts: string[] = [];
  for (const dir of ['/etc/cdi', '/var/run/cdi']) {
    try {
      for (const file of readdirSync(dir)) if (/\.(ya?ml|json)$/.test(file)) texts.push(readFileSync(`${dir}/${file}`, 'utf8'));
    } catch {
      // no CDI folder
    }
  }
  return cdiDevicesFromSpecs(texts);
}

// --- the engine ----------------------------------------------------------------------------------------

export class DockerEngine implements ContainerEngine {
  private readonly docker: Docker;
  private readonly local: boolean;

  private constructor(
    readonly endpoint: string,
    docker: Docker,
    local: boolean,
  ) {
    this.docker = docker;
    this.local = local;
  }

  /** dockerode (and its ssh/grpc dependencies) is loaded on first use: it costs ~0.5 s at daemon start otherwise. */
  static async open(endpoint: string): Promise<DockerEngine> {
    const parsed = parseEndpoint(endpoint);
    if (parsed.kind === 'invalid') throw new Error(parsed.reason);
    const { default: Dockerode } = await import('dockerode');
    const docker =
      parsed.kind === 'socket'
        ? new Dockerode({ socketPath: parsed.socketPath, timeout: 0 })
        : new Dockerode({ host: parsed.host, port: parsed.port, protocol: parsed.tls ? 'https' : 'http' });
    return new DockerEngine(endpoint, docker, parsed.kind === 'socket');
  }

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async info(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.docker.info() as Promise<Record<string, unknown>>,
      this.docker.version() as Promise<{ Version?: string; Components?: Array<{ Name?: string }>; Os?: string }>,
    ]);
    const isPodman = (version.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
    const runtimes = (info.Runtimes ?? {}) as Record<string, unknown>;
    const discovered = ((info.DiscoveredDevices ?? []) as Array<{ Source?: string; ID?: string }>)
      .filter((d) => d.Source === 'cdi' && d.ID)
      .map((d) => d.ID!);
    return {
      product: isPodman ? 'Podman' : version.Version ? 'Docker' : 'unknown',
      version: version.Version ?? 'unknown',
      os: String(info.OperatingSystem ?? version.Os ?? 'unknown'),
      nvidiaRuntime: Object.keys(runtimes).some((name) => name.startsWith('nvidia')),
      cdiDevices: discovered.length ? discovered : this.local ? localCdiDevices() : [],
      dataRoot: typeof info.DockerRootDir === 'string' && info.DockerRootDir ? info.DockerRootDir : null,
    };
  }

  async inspectImage(ref: string): Promise<ImageInfo | null> {
    try {
      const image = await this.docker.getImage(ref).inspect();
      return {
        id: image.Id,
        repoTags: image.RepoTags ?? [],
        repoDigests: image.RepoDigests ?? [],
        sizeBytes: image.Size ?? 0,
        user: image.Config?.User ?? '',
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async listImages(): Promise<ImageInfo[]> {
    const images = await this.docker.listImages({ all: false });
    return images.map((image) => ({
      id: image.Id,
      repoTags: image.RepoTags ?? [],
      repoDigests: image.RepoDigests ?? [],
      sizeBytes: image.Size ?? 0,
      user: '',
    }));
  }

  fetchManifest(ref: string): Promise<ImageManifestSummary | null> {
    return fetchManifestFromRegistry(ref);
  }

  async pullImage(ref: string, onEvent: (event: PullEvent) => void, signal?: AbortSignal): Promise<void> {
    const stream = (await this.docker.pull(ref, { abortSignal: signal })) as Readable;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      let failure: string | null = null;
      const onLine = (line: string) => {
        if (!line.trim()) return;
        let event: { status?: string; id?: string; error?: string; errorDetail?: { message?: string }; progressDetail?: { current?: number; total?: number } };
        try {
          event = JSON.parse(line);
        } catch {
          return;
        }
        if (event.error || event.errorDetail) {
          failure = event.errorDetail?.message ?? event.error ?? 'pull failed';
          return;
        }
        onEvent({
          layer: event.id ?? null,
          status: event.status ?? '',
          current: typeof event.progressDetail?.current === 'number' ? event.progressDetail.current : null,
          total: typeof event.progressDetail?.total === 'number' ? event.progressDetail.total : null,
        });
      };
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          onLine(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
        // Podman sends objects back to back without newlines.
        if (buffer.startsWith('{') && buffer.endsWith('}')) {
          const parts = buffer.split(/(?<=\})(?=\{)/);
          buffer = '';
          parts.forEach(onLine);
        }
      });
      stream.once('error', (error) => reject(error));
      stream.once('end', () => {
        if (buffer) onLine(buffer);
        if (failure) reject(new Error(failure));
        else resolve();
      });
    });
  }

  async removeImage(id: string): Promise<void> {
    try {
      await this.docker.getImage(id).remove({ force: false, noprune: false });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async freeDiskBytes(): Promise<number | null> {
    if (!this.local) return null;
    const info = await this.info().catch(() => null);
    const candidates = [info?.dataRoot, '/var/lib/containers', '/var/lib/docker', '/'].filter((p): p is string => !!p && existsSync(p));
    for (const path of candidates) {
      try {
        const stats = await statfs(path);
        return Number(stats.bavail) * Number(stats.bsize);
      } catch {
        // next
      }
    }
    return null;
  }

  async createContainer(config: GuestContainerConfig): Promise<string> {
    const container = await this.docker.createContainer(toCreateBody(config));
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) !== 304) throw error;
    }
  }

  async pauseContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).pause();
  }

  async unpauseContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).unpause();
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: graceSeconds });
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 || status === 404) return;
      // Podman refuses to stop a container that exited meanwhile; that is what we wanted anyway.
      const state = await this.inspectContainer(id);
      if (!state || state.state === 'exited' || state.state === 'dead' || state.state === 'created') return;
      throw error;
    }
  }

  async killContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).kill();
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 409 && status !== 304) throw error;
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async waitContainer(id: string): Promise<number> {
    const result = (await this.docker.getContainer(id).wait()) as { StatusCode?: number };
    return result.StatusCode ?? -1;
  }

  async inspectContainer(id: string): Promise<ContainerStatus | null> {
    try {
      const c = await this.docker.getContainer(id).inspect();
      const host = (c.HostConfig ?? {}) as Docker.HostConfig;
      return {
        id: c.Id,
        name: c.Name.replace(/^\//, ''),
        image: c.Config?.Image ?? '',
        labels: c.Config?.Labels ?? {},
        state: containerState(c.State?.Status),
        exitCode: typeof c.State?.ExitCode === 'number' ? c.State.ExitCode : null,
        startedAt: c.State?.StartedAt ?? null,
        finishedAt: c.State?.FinishedAt ?? null,
        oomKilled: !!c.State?.OOMKilled,
        hostConfig: {
          readonlyRootfs: !!host.ReadonlyRootfs,
          capDrop: host.CapDrop ?? [],
          capAdd: host.CapAdd ?? [],
          securityOpt: host.SecurityOpt ?? [],
          privileged: !!host.Privileged,
          networkMode: host.NetworkMode ?? '',
          pidsLimit: host.PidsLimit ?? null,
          memoryBytes: host.Memory ?? 0,
          nanoCpus: host.NanoCpus ?? 0,
          binds: host.Binds ?? [],
          mounts: (c.Mounts ?? []).filter((m) => m.Type !== 'tmpfs').length,
          portBindings: Object.keys(host.PortBindings ?? {}).length,
          user: c.Config?.User ?? '',
        },
      };
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async listManagedContainers(): Promise<ContainerSummary[]> {
    const list = await this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_MANAGED}=true`] }) });
    return list
      .filter((c) => c.Labels?.[LABEL_MANAGED] === 'true') // belt and braces: never anyone else's
      .map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? '').replace(/^\//, ''), image: c.Image, labels: c.Labels ?? {}, state: containerState(c.State) }));
  }

  async followLogs(id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream> {
    const stream = (await this.docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    const demux = new LogDemuxer(onChunk);
    const done = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => demux.push(chunk));
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', () => resolve());
    });
    return { done, close: () => stream.destroy() };
  }
}

function problemFor(endpoint: string, error: unknown): EngineProblem {
  const code = (error as HttpError | null)?.code;
  const detail = describe(error);
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'permission-denied', endpoint, detail };
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET') return { kind: 'not-running', endpoint, detail };
  return { kind: 'error', endpoint, detail };
}

const PROBLEM_RANK: Record<EngineProblem['kind'], number> = { 'permission-denied': 3, 'not-running': 2, error: 1, missing: 0 };

/** Tries each discovery candidate in order; the first that answers wins, else the most telling problem. */
export class DockerEngineConnector implements EngineConnector {
  constructor(private readonly candidates: EngineCandidate[]) {}

  static forThisMachine(env: NodeJS.ProcessEnv = process.env): DockerEngineConnector {
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    return new DockerEngineConnector(engineCandidates({ env, platform: process.platform, home: env.HOME ?? env.USERPROFILE ?? '', uid }));
  }

  async connect(): Promise<EngineConnection> {
    let worst: EngineProblem | null = null;
    const tried: string[] = [];
    for (const candidate of this.candidates) {
      const parsed = parseEndpoint(candidate.endpoint);
      if (parsed.kind === 'invalid') {
        worst = pick(worst, { kind: 'error', endpoint: candidate.endpoint, detail: parsed.reason });
        continue;
      }
      // A socket file that is not there is not an engine; DOCKER_HOST is tried regardless, since it was asked for.
      if (parsed.kind === 'socket' && !parsed.socketPath.startsWith('\\\\') && !existsSync(parsed.socketPath) && candidate.source !== 'DOCKER_HOST') {
        tried.push(candidate.endpoint);
        continue;
      }
      tried.push(candidate.endpoint);
      try {
        const engine = await DockerEngine.open(candidate.endpoint);
        await engine.ping();
        return { ok: true, engine, info: await engine.info() };
      } catch (error) {
        worst = pick(worst, problemFor(candidate.endpoint, error));
      }
    }
    return { ok: false, problem: worst ?? { kind: 'missing', tried } };
  }
}

function pick(current: EngineProblem | null, next: EngineProblem): EngineProblem {
  if (!current) return next;
  return PROBLEM_RANK[next.kind] > PROBLEM_RANK[current.kind] ? next : current;
}
