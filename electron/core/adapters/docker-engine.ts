import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseEndpoint } from '../jobs/discovery.js';
import {
  LABEL_MANAGED,
  type ContainerEngine,
  type ContainerStatus,
  type ContainerSummary,
  type EngineInfo,
  type EngineNetwork,
  type GuestContainerConfig,
  type ImageInfo,
  type ImageManifestSummary,
  type LogStream,
  type PullEvent,
} from '../jobs/ports.js';
import { localCdiDevices } from './cdi-devices.js';
import { containerState, fromNetworkInspect, LogDemuxer, statusOf, toCreateBody, toNetworkCreateBody } from './docker-wire.js';
import { fetchManifestFromRegistry } from './image-registry-client.js';

/**
 * The ContainerEngine port over the Docker Engine API (Docker, or `podman system service`), with dockerode.
 * The only file that talks to the engine through dockerode (docker-wire.ts holds the pure translation, docker-engine-connector.ts the discovery). Nothing here decides policy: hardening comes in as a
 * GuestContainerConfig and is translated one to one.
 */
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
      rootless: info.Rootless === true || ((info.SecurityOptions ?? []) as string[]).some((o) => /(^|,)name=rootless(,|$)/.test(o)),
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

  async waitContainer(id: string): Promise<number | null> {
    const result = (await this.docker.getContainer(id).wait()) as { StatusCode?: number };
    return typeof result.StatusCode === 'number' ? result.StatusCode : null;
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

  async ensureNetwork(name: string, bridge: string): Promise<EngineNetwork> {
    const existing = await this.inspectNetwork(name, bridge);
    if (existing) return existing;
    try {
      await this.docker.createNetwork(toNetworkCreateBody(name, bridge));
    } catch (error) {
      // Another Offhours created it meanwhile.
      if (statusOf(error) !== 409) throw error;
    }
    const created = await this.inspectNetwork(name, bridge);
    if (!created) throw new Error(`the engine did not keep the network ${name}`);
    return created;
  }

  private async inspectNetwork(name: string, bridge: string): Promise<EngineNetwork | null> {
    try {
      return fromNetworkInspect((await this.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo, bridge);
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

  async attachOutput(id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream> {
    const stream = (await this.docker.getContainer(id).attach({ stream: true, stdout: true, stderr: true, hijack: true })) as unknown as Readable;
    return demultiplexed(stream, onChunk);
  }

  async followLogs(id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream> {
    const stream = (await this.docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    return demultiplexed(stream, onChunk);
  }
}

function demultiplexed(stream: Readable, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): LogStream {
  const demux = new LogDemuxer(onChunk);
  const done = new Promise<'ended' | 'broken'>((resolve) => {
    stream.on('data', (chunk: Buffer) => demux.push(chunk));
    stream.once('end', () => resolve('ended'));
    stream.once('close', () => resolve('broken'));
    stream.once('error', () => resolve('broken'));
  });
  return { done, close: () => stream.destroy() };
}
