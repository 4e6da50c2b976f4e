import type Docker from 'dockerode';
import { LABEL_MANAGED, type ContainerSummary, type EngineNetwork, type GuestContainerConfig } from '../jobs/ports.js';

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
  // The engine's default bridge reaches the owner's PC and home network: an egress guest goes on the guarded network or nowhere.
  if (config.network === 'egress' && !config.egress) throw new Error(`The egress guest ${config.name} has no guarded network; refusing the engine's default bridge.`);
  const egress = config.network === 'egress' ? config.egress : undefined;
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
      NetworkMode: egress ? egress.network : 'none',
      ...(egress && {
        Dns: egress.dns,
        ExtraHosts: Object.entries(egress.hosts).map(([name, address]) => `${name}:${address}`),
        // No IPv6 in the guest: no link-local path to this PC's IPv6 addresses.
        Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
      }),
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

/** The body of POST /networks/create for a guest network of ours: a plain bridge whose interface we name, so host rules can match it. */
export function toNetworkCreateBody(name: string, bridge: string): Docker.NetworkCreateOptions {
  return {
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: false,
    EnableIPv6: false,
    Labels: { [LABEL_MANAGED]: 'true' },
    Options: { 'com.docker.network.bridge.name': bridge },
  };
}

/**
 * Our network as the engine reports it. Podman's Docker API leaves Options out of the answer; the bridge it made
 * is then the one we asked for. A network of that name without our label is someone else's: refused.
 */
export function fromNetworkInspect(info: Docker.NetworkInspectInfo, requestedBridge: string): EngineNetwork {
  if (info.Labels?.[LABEL_MANAGED] !== 'true') throw new Error(`a network named ${info.Name} exists that Offhours did not create; remove or rename it`);
  if (info.Driver !== 'bridge') throw new Error(`the network ${info.Name} uses the ${info.Driver} driver, not bridge`);
  const config = (info.IPAM?.Config ?? []).filter((c) => c.Subnet && !c.Subnet.includes(':'));
  return {
    name: info.Name,
    bridge: info.Options?.['com.docker.network.bridge.name'] ?? requestedBridge,
    subnets: config.map((c) => c.Subnet!),
    gateways: config.flatMap((c) => (c.Gateway ? [c.Gateway] : [])),
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

