import type { EngineStatus } from '../../../protocol/job-spec.js';
import type { EngineInfo, EngineProblem } from './ports.js';

/**
 * The one voice for the container engine: from the same facts (what the connector found, what this PC has
 * installed) the Jobs page (through ProviderState's job.engine) and `offhours doctor` say the same words and the
 * same next step. Pure; the facts come from the connector and a host probe.
 */

/** What the host can tell about itself: enough to tell "not installed" from "installed, not started". */
export interface EngineHostProbe {
  platform: string;
  /** Whether a program of that name is on PATH. */
  onPath(name: string): boolean;
}

export interface EngineHost {
  platform: string;
  /** The engines whose command-line program is on PATH, Docker first. */
  installed: Array<'docker' | 'podman'>;
  /** nvidia-smi is on PATH: a GPU the engine cannot hand to containers is then a real loss, not a shrug. */
  nvidiaDriver: boolean;
}

export function engineHostOf(probe: EngineHostProbe): EngineHost {
  return {
    platform: probe.platform,
    installed: (['docker', 'podman'] as const).filter((name) => probe.onPath(name)),
    nvidiaDriver: probe.onPath('nvidia-smi'),
  };
}

/** What the connector found, without the live engine object. */
export type EngineFinding = { ok: true; endpoint: string; info: EngineInfo } | { ok: false; problem: EngineProblem };

/** The engine's state, name, GPU access and, when something is missing, one sentence and the next step. */
export function engineStatusOf(finding: EngineFinding, host: EngineHost): EngineStatus {
  if (!finding.ok) {
    const { problem } = finding;
    return { state: stateOf(problem, host), name: null, endpoint: 'endpoint' in problem ? problem.endpoint : null, gpuRuntime: null, ...describeEngineProblem(problem, host) };
  }
  const { info, endpoint } = finding;
  const gpuRuntime = gpuRuntimeOf(info);
  const words = gpuRuntime === 'none' ? noGpuRuntimeWords(info.product) : { message: null, nextStep: null };
  return { state: 'ready', name: `${info.product} ${info.version}`, endpoint, gpuRuntime, ...words };
}

/** No socket answered, yet the program is installed: to the owner that is an engine not running, not a missing one. */
function stateOf(problem: EngineProblem, host: EngineHost): EngineStatus['state'] {
  return problem.kind === 'missing' && host.installed.length > 0 ? 'not-running' : problem.kind;
}

export function gpuRuntimeOf(info: EngineInfo): 'nvidia' | 'cdi' | 'none' {
  if (info.nvidiaRuntime) return 'nvidia';
  return nvidiaCdiDevices(info).length > 0 ? 'cdi' : 'none';
}

export function nvidiaCdiDevices(info: EngineInfo): string[] {
  return info.cdiDevices.filter((device) => device.startsWith('nvidia.com/gpu='));
}

function noGpuRuntimeWords(product: string): { message: string; nextStep: string } {
  return {
    message: 'The container engine has no GPU runtime, so GPU jobs cannot see your graphics card.',
    nextStep:
      product === 'Podman'
        ? 'Install the NVIDIA Container Toolkit and run "sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml".'
        : 'Install the NVIDIA Container Toolkit, run "sudo nvidia-ctk runtime configure --runtime=docker", and restart Docker.',
  };
}

/** One sentence and a fix for each way the engine can be out of reach. */
export function describeEngineProblem(problem: EngineProblem, host: EngineHost): { message: string; nextStep: string } {
  const linux = host.platform === 'linux';
  switch (problem.kind) {
    case 'missing':
      return host.installed[0] ? installedNotRunning(host.installed[0], linux) : nothingInstalled(linux);
    case 'not-running':
      return {
        message: `The container engine at ${problem.endpoint} is not running, so jobs cannot start.`,
        nextStep: linux
          ? 'Start it ("sudo systemctl start docker", or "systemctl --user start podman.socket" for Podman), then run "offhours doctor" again.'
          : 'Start Docker Desktop or "podman machine start", then run "offhours doctor" again.',
      };
    case 'permission-denied':
      return {
        message: `Offhours is not allowed to use the container engine at ${problem.endpoint}.`,
        nextStep: linux
          ? 'Add yourself to the docker group ("sudo usermod -aG docker $USER", then sign out and in), or use rootless Podman ("systemctl --user enable --now podman.socket").'
          : 'Restart Docker Desktop; if that does not help, reinstall it and sign out and in.',
      };
    case 'error':
      return {
        message: `The container engine at ${problem.endpoint} answered with an error: ${problem.detail}.`,
        nextStep: 'Restart the container engine; if DOCKER_HOST is set, check that it points at a Docker or Podman socket.',
      };
  }
}

function installedNotRunning(engine: 'docker' | 'podman', linux: boolean): { message: string; nextStep: string } {
  if (engine === 'docker') {
    return {
      message: 'Docker is installed but its service is not running, so jobs cannot start.',
      nextStep: linux ? 'Start it with "sudo systemctl enable --now docker", then run "offhours doctor" again.' : 'Open Docker Desktop and wait until it says it is running.',
    };
  }
  return {
    message: 'Podman is installed but its service is not running, so jobs cannot start.',
    nextStep: linux
      ? 'Start it with "systemctl --user enable --now podman.socket" (or "sudo systemctl enable --now podman.socket"), then run "offhours doctor" again.'
      : 'Run "podman machine start", then run "offhours doctor" again.',
  };
}

function nothingInstalled(linux: boolean): { message: string; nextStep: string } {
  return {
    message: 'No container engine (Docker or Podman) was found, so this PC cannot run jobs.',
    nextStep: linux
      ? 'Install Podman ("sudo apt install podman" or your distribution\'s package) or Docker Engine, then run "offhours doctor" again.'
      : 'Install Docker Desktop (docker.com) or Podman Desktop (podman-desktop.io), start it, then run "offhours doctor" again.',
  };
}
