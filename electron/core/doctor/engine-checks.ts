import type { EngineConnection, EngineConnector } from '../jobs/ports.js';
import { engineHostOf, engineStatusOf, nvidiaCdiDevices, type EngineHostProbe } from '../jobs/engine-status.js';
import type { DoctorCheckProvider } from './context.js';

/**
 * Doctor checks for running jobs: the container engine, its GPU runtime, WSL2 and virtualization on Windows,
 * and free disk. Each says what is wrong in one sentence and what to do. The checks are pure over two
 * injected things: an EngineConnector and a HostProbe (the Node one is adapters/host-probe-node.ts).
 */

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface EngineCheckResult {
  status: CheckStatus;
  summary: string;
  fix: string | null;
}

export interface EngineCheck {
  id: string;
  title: string;
  run(): Promise<EngineCheckResult>;
}

/** What the checks may ask of the computer. */
export interface HostProbe extends EngineHostProbe {
  /** Runs a program; code null when it could not be started. Never throws. */
  exec(command: string, args: string[], timeoutMs?: number): Promise<{ code: number | null; stdout: string }>;
  freeBytes(path: string): Promise<number | null>;
  homeDir: string;
}

export const DISK_FAIL_BYTES = 10 * 1024 ** 3;
export const DISK_WARN_BYTES = 30 * 1024 ** 3;

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** The job-runner checks, in the shape the doctor framework runs (id, title, run → status/summary/fix). */
export function engineChecks(deps: { connector: EngineConnector; host: HostProbe; dataDir: string }): EngineCheck[] {
  let connection: Promise<EngineConnection> | null = null;
  const connect = () => (connection ??= deps.connector.connect());
  const { host } = deps;
  return [
    {
      id: 'container-engine',
      title: 'Container engine',
      async run() {
        const result = await connect();
        if (result.ok) return { status: 'ok', summary: `${result.info.product} ${result.info.version} at ${result.engine.endpoint}.`, fix: null };
        // The Jobs page shows the same words: both come from engineStatusOf over the same facts.
        const status = engineStatusOf(result, engineHostOf(host));
        return { status: 'fail', summary: status.message!, fix: status.nextStep };
      },
    },
    {
      id: 'container-gpu',
      title: 'GPU in containers',
      async run() {
        const result = await connect();
        if (!result.ok) return { status: 'warn', summary: 'Not checked: there is no container engine to ask.', fix: 'Fix the container engine first.' };
        const engineHost = engineHostOf(host);
        const status = engineStatusOf({ ok: true, endpoint: result.engine.endpoint, info: result.info }, engineHost);
        if (status.gpuRuntime === 'nvidia') return { status: 'ok', summary: 'The NVIDIA container runtime is registered with the engine.', fix: null };
        if (status.gpuRuntime === 'cdi') return { status: 'ok', summary: `The engine can hand GPUs to containers (CDI: ${nvidiaCdiDevices(result.info).join(', ')}).`, fix: null };
        return { status: engineHost.nvidiaDriver ? 'fail' : 'warn', summary: status.message!, fix: status.nextStep };
      },
    },
    {
      id: 'wsl2',
      title: 'WSL2',
      async run() {
        if (host.platform !== 'win32') return { status: 'ok', summary: 'Not needed on this operating system.', fix: null };
        const status = await host.exec('wsl.exe', ['--status'], 10_000);
        const text = status.stdout.replace(/\0/g, '');
        if (status.code === null || /not installed|is not enabled|--install/i.test(text)) {
          return { status: 'fail', summary: 'WSL2 is not installed, and Docker Desktop and Podman need it on Windows.', fix: 'Open PowerShell as administrator, run "wsl --install", and restart the PC.' };
        }
        if (/Default Version:\s*1/i.test(text)) {
          return { status: 'fail', summary: 'WSL is set to version 1; containers need WSL2.', fix: 'Run "wsl --set-default-version 2" in PowerShell, then restart Docker Desktop.' };
        }
        return { status: 'ok', summary: 'WSL2 is installed.', fix: null };
      },
    },
    {
      id: 'virtualization',
      title: 'Virtualization',
      async run() {
        if (host.platform === 'win32') {
          const out = await host.exec('powershell.exe', ['-NoProfile', '-Command', '(Get-CimInstance Win32_Processor | Select-Object -First 1).VirtualizationFirmwareEnabled; (Get-CimInstance Win32_ComputerSystem).HypervisorPresent'], 15_000);
          const [firmware, hypervisor] = out.stdout.trim().split(/\r?\n/).map((s) => s.trim().toLowerCase());
          if (hypervisor === 'true' || firmware === 'true') return { status: 'ok', summary: 'Virtualization is on.', fix: null };
          if (firmware === 'false') {
            return { status: 'fail', summary: 'Virtualization is turned off in the BIOS, so WSL2 and containers cannot start.', fix: 'Restart into the BIOS/UEFI setup and enable Intel VT-x or AMD SVM (often under CPU or Advanced), then save and restart.' };
          }
          return { status: 'warn', summary: 'Could not tell whether virtualization is on.', fix: 'If Docker Desktop says virtualization is off, enable Intel VT-x or AMD SVM in the BIOS.' };
        }
        return { status: 'ok', summary: host.platform === 'linux' ? 'Not needed: Linux runs containers directly.' : 'Provided by the operating system.', fix: null };
      },
    },
    {
      id: 'job-disk',
      title: 'Disk space for jobs',
      async run() {
        const result = await connect();
        const engineFree = result.ok ? await result.engine.freeDiskBytes().catch(() => null) : null;
        const free = engineFree ?? (await host.freeBytes(deps.dataDir));
        if (free === null) return { status: 'warn', summary: 'Could not read the free disk space.', fix: 'Make sure at least 30 GB are free on the drive your container engine uses.' };
        if (free < DISK_FAIL_BYTES) return { status: 'fail', summary: `Only ${gib(free)} free: job images will not fit.`, fix: 'Free at least 30 GB on the drive your container engine uses (empty the recycle bin, uninstall unused games).' };
        if (free < DISK_WARN_BYTES) return { status: 'warn', summary: `${gib(free)} free: enough for small jobs only.`, fix: 'Free up to 30 GB or more so larger job images fit.' };
        return { status: 'ok', summary: `${gib(free)} free.`, fix: null };
      },
    },
  ];
}

/** The doctor's provider: the job-runner checks, when the composition root gave an engine connector and a host probe. */
export const containerChecks: DoctorCheckProvider = (context) =>
  context.engineConnector && context.hostProbe ? engineChecks({ connector: context.engineConnector, host: context.hostProbe, dataDir: context.dataDir }) : [];
