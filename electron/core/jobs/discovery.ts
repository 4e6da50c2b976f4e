/**
 * Where to look for a container engine, in order. Pure: the environment, platform and home folder are
 * passed in, so every platform's list is unit-tested here.
 */

export interface EngineCandidate {
  /** "unix:///path", "npipe:////./pipe/name" or "tcp://host:port". */
  endpoint: string;
  /** Why we look there, for the doctor ("DOCKER_HOST", "Docker", "Podman (rootless)", …). */
  source: string;
}

export interface DiscoveryInput {
  env: Record<string, string | undefined>;
  platform: string;
  home: string;
  uid: number | null;
}

export function engineCandidates({ env, platform, home, uid }: DiscoveryInput): EngineCandidate[] {
  const out: EngineCandidate[] = [];
  const add = (endpoint: string, source: string) => {
    if (!out.some((c) => c.endpoint === endpoint)) out.push({ endpoint, source });
  };
  if (env.DOCKER_HOST) add(env.DOCKER_HOST, 'DOCKER_HOST');
  if (platform === 'win32') {
    add('npipe:////./pipe/docker_engine', 'Docker Desktop');
    add('npipe:////./pipe/podman-machine-default', 'Podman Desktop');
    return out;
  }
  if (platform === 'darwin') {
    add(`unix://${home}/.docker/run/docker.sock`, 'Docker Desktop');
    add('unix:///var/run/docker.sock', 'Docker');
    add(`unix://${home}/.local/share/containers/podman/machine/podman.sock`, 'Podman machine');
    return out;
  }
  add('unix:///var/run/docker.sock', 'Docker');
  add('unix:///run/podman/podman.sock', 'Podman (rootful)');
  const runtimeDir = env.XDG_RUNTIME_DIR ?? (uid !== null ? `/run/user/${uid}` : null);
  if (runtimeDir) {
    add(`unix://${runtimeDir}/podman/podman.sock`, 'Podman (rootless)');
    add(`unix://${runtimeDir}/docker.sock`, 'Docker (rootless)');
  }
  add(`unix://${home}/.docker/desktop/docker.sock`, 'Docker Desktop');
  return out;
}

export type ParsedEndpoint = { kind: 'socket'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls: boolean } | { kind: 'invalid'; reason: string };

export function parseEndpoint(endpoint: string): ParsedEndpoint {
  if (endpoint.startsWith('unix://')) return { kind: 'socket', socketPath: endpoint.slice('unix://'.length) };
  if (endpoint.startsWith('npipe://')) return { kind: 'socket', socketPath: endpoint.slice('npipe://'.length).replace(/\//g, '\\') };
  const tcp = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(endpoint);
  if (tcp) return { kind: 'tcp', host: tcp[2]!.replace(/^\[|\]$/g, ''), port: Number(tcp[3]), tls: tcp[1] === 'https' };
  return { kind: 'invalid', reason: `"${endpoint}" is not a unix://, npipe:// or tcp:// address` };
}
