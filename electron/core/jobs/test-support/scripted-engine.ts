import type { ContainerEngine, ContainerStatus, EngineInfo, EngineNetwork, GuestContainerConfig, LogStream } from '../ports.js';

/**
 * An in-memory container engine with one scripted guest, for unit tests of how the runner stops guests: an
 * engine whose stop fails the way Podman's does under a fork bomb, a guest that ignores SIGTERM, an OOM kill.
 * Every call is recorded in `calls`, in order.
 */
export interface GuestScript {
  /** What the guest does on SIGTERM. */
  onTerm: 'exit' | 'ignore';
  /** Printed to stdout at start. */
  stdout?: string;
  /** The guest exits by itself this long after start, with this code (and OOM flag). */
  exitsAfterMs?: number;
  exitCode?: number;
  oomKilled?: boolean;
  /** The first N calls of each kind fail like Podman's HTTP 500 (after `failAfterMs`), doing nothing. */
  failing?: Partial<Record<'stop' | 'kill' | 'remove', number>>;
  failAfterMs?: number;
}

export const TEST_ENGINE_INFO: EngineInfo = { product: 'Podman', version: 'scripted', os: 'linux', nvidiaRuntime: false, cdiDevices: [], dataRoot: null };

type State = 'created' | 'running' | 'paused' | 'exited';

export class ScriptedEngine implements ContainerEngine {
  readonly endpoint = 'scripted://';
  readonly calls: string[] = [];
  state: State | 'gone' = 'gone';
  exitCode: number | null = null;
  oomKilled = false;
  private readonly exitWaiters: Array<() => void> = [];
  private onStdout: ((chunk: Uint8Array) => void) | null = null;
  private timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(private readonly script: GuestScript) {}

  info = async (): Promise<EngineInfo> => TEST_ENGINE_INFO;
  inspectImage = async () => ({ id: 'sha256:img', repoTags: [], repoDigests: [], sizeBytes: 1, user: '' });
  listImages = async () => [];
  fetchManifest = async () => null;
  pullImage = async () => undefined;
  removeImage = async () => undefined;
  freeDiskBytes = async () => null;
  listManagedContainers = async () => [];
  // Only network-less jobs are scripted here; the egress fence has its own tests (egress-guard.test.ts).
  ensureNetwork = async (name: string, bridge: string): Promise<EngineNetwork> => {
    throw new Error(`the scripted engine has no networks (asked for ${name} on ${bridge})`);
  };

  async createContainer(_config: GuestContainerConfig): Promise<string> {
    this.calls.push('create');
    this.state = 'created';
    return 'guest';
  }

  async startContainer(): Promise<void> {
    this.calls.push('start');
    this.state = 'running';
    if (this.script.stdout) this.onStdout?.(new TextEncoder().encode(this.script.stdout));
    if (this.script.exitsAfterMs !== undefined) this.later(this.script.exitsAfterMs, () => this.exit(this.script.exitCode ?? 0, !!this.script.oomKilled));
  }

  async pauseContainer(): Promise<void> {
    this.calls.push('pause');
    if (this.state === 'running') this.state = 'paused';
  }

  async unpauseContainer(): Promise<void> {
    this.calls.push('unpause');
    if (this.state === 'paused') this.state = 'running';
  }

  async stopContainer(_id: string, graceSeconds: number): Promise<void> {
    this.calls.push(`stop(${graceSeconds})`);
    await this.maybeFail('stop');
    if (this.state !== 'running') return;
    if (this.script.onTerm === 'exit') return this.exit(143, false);
    await new Promise((resolve) => this.later(graceSeconds * 1000, () => resolve(undefined)));
    this.exit(137, false);
  }

  async killContainer(): Promise<void> {
    this.calls.push('kill');
    await this.maybeFail('kill');
    if (this.state === 'running') this.exit(137, false);
  }

  async removeContainer(): Promise<void> {
    this.calls.push('remove');
    await this.maybeFail('remove');
    this.state = 'gone';
    // Like an attach stream or a log follow: it ends with the container. A pending wait is left hanging.
    this.onStdout = null;
    this.ended?.('ended');
  }

  waitContainer(): Promise<number | null> {
    this.calls.push('wait');
    return new Promise((resolve) => {
      if (this.state === 'exited') resolve(this.exitCode);
      else this.exitWaiters.push(() => resolve(this.exitCode));
    });
  }

  async inspectContainer(id: string): Promise<ContainerStatus | null> {
    this.calls.push('inspect');
    if (this.state === 'gone') return null;
    return {
      id,
      name: 'guest',
      image: 'img',
      labels: {},
      state: this.state,
      exitCode: this.state === 'exited' ? this.exitCode : null,
      startedAt: null,
      finishedAt: null,
      oomKilled: this.oomKilled,
      hostConfig: { readonlyRootfs: true, capDrop: ['ALL'], capAdd: [], securityOpt: [], privileged: false, networkMode: 'none', pidsLimit: 256, memoryBytes: 0, nanoCpus: 0, binds: [], mounts: 0, portBindings: 0, user: '65534:65534' },
    };
  }

  async attachOutput(_id: string, onChunk: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void): Promise<LogStream> {
    this.calls.push('attach');
    this.onStdout = (chunk) => onChunk('stdout', chunk);
    const done = new Promise<'ended' | 'broken'>((resolve) => (this.ended = resolve));
    return { done, close: () => this.ended?.('broken') };
  }

  followLogs = this.attachOutput;

  /** Stops every pending timer (a test's end). */
  dispose(): void {
    this.timers.forEach(clearTimeout);
  }

  private ended: ((how: 'ended' | 'broken') => void) | null = null;

  private exit(code: number, oomKilled: boolean): void {
    if (this.state !== 'running') return;
    this.state = 'exited';
    this.exitCode = code;
    this.oomKilled = oomKilled;
    this.ended?.('ended');
    this.exitWaiters.splice(0).forEach((wake) => wake());
  }

  private async maybeFail(kind: 'stop' | 'kill' | 'remove'): Promise<void> {
    const left = this.script.failing?.[kind] ?? 0;
    if (left <= 0) return;
    this.script.failing![kind] = left - 1;
    await new Promise((resolve) => this.later(this.script.failAfterMs ?? 0, () => resolve(undefined)));
    throw Object.assign(new Error(`(HTTP code 500) server error - ${kind}: timed out waiting for file /run/libpod/exits/guest`), { statusCode: 500 });
  }

  private later(ms: number, run: () => void): void {
    this.timers.push(setTimeout(run, ms));
  }
}
