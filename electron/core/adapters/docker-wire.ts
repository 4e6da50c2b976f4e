import type Docker from 'dockerode';
import type { ContainerSummary, GuestContainerConfig } from '../jobs/engine-port.js';

/**
 * The Docker Engine API's wire shapes, translated to and from ours. Pure: no sockets here (docker-engine.ts talks).
 */

export interface HttpError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

export function statusOf(error: unknown): number | undefined {
  return (error as HttpError | null)?.statusCode;
}

export function describe(error: unknown): string {
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

export function containerState(state: string | undefined): ContainerSummary['state'] {
  const s = (state ?? '').toLowerCase();
  if (s === 'configured' || s === 'initialized') return 'created';
  if (s === 'stopped') return 'exited';
  return (['created', 'running', 'paused', 'exited', 'dead', 'removing', 'restarting'] as const).find((k) => k === s) ?? 'unknown';
}

