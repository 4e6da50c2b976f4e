import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineChecks, type HostProbe } from '../doctor/engine-checks.js';
import type { Logger } from '../ports.js';
import type { ContainerEngine, EngineInfo, EngineProblem } from './ports.js';
import { describeEngineProblem, engineHostOf, engineStatusOf, type EngineFinding } from './engine-status.js';
import { JobService } from './job-service.js';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const info = (over: Partial<EngineInfo> = {}): EngineInfo => ({ product: 'Docker', version: '27.1.0', os: 'debian', nvidiaRuntime: false, cdiDevices: [], dataRoot: '/var/lib/docker', ...over });

function probe(platform: string, programs: string[]): HostProbe {
  return { platform, homeDir: '/home/me', onPath: (name) => programs.includes(name), exec: async () => ({ code: null, stdout: '' }), freeBytes: async () => 100 * 1024 ** 3 };
}

/** What the Jobs page shows (ProviderState's job.engine, from JobService) for an engine that cannot be reached. */
async function jobsPageEngine(problem: EngineProblem, host: HostProbe) {
  const dir = mkdtempSync(join(tmpdir(), 'offhours-engine-words-'));
  try {
    const service = new JobService({ connector: { connect: async () => ({ ok: false, problem }) }, host, clock: { now: () => 0 }, logger: quiet, dataDir: dir });
    await service.start();
    return service.state().engine;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function jobsPageWords(problem: EngineProblem, host: HostProbe) {
  const { message, nextStep } = await jobsPageEngine(problem, host);
  return { message, nextStep };
}

/** What `offhours doctor` says about the same engine on the same host. */
async function doctorWords(connection: EngineFinding, host: HostProbe, id: 'container-engine' | 'container-gpu') {
  const connect = async () =>
    connection.ok ? { ok: true as const, info: connection.info, engine: { endpoint: connection.endpoint } as ContainerEngine } : connection;
  const check = engineChecks({ connector: { connect }, host, dataDir: '/data' }).find((c) => c.id === id)!;
  const result = await check.run();
  return { message: result.summary, nextStep: result.fix };
}

describe('one voice for the container engine: the Jobs page and the doctor', () => {
  const unreachable: Array<[string, EngineProblem, HostProbe, RegExp]> = [
    ['Docker installed, its service stopped', { kind: 'missing', tried: ['unix:///var/run/docker.sock'] }, probe('linux', ['docker']), /^Docker is installed but its service is not running/],
    ['Podman installed on a Mac, no machine started', { kind: 'missing', tried: [] }, probe('darwin', ['podman']), /^Podman is installed/],
    ['nothing installed', { kind: 'missing', tried: [] }, probe('linux', []), /^No container engine \(Docker or Podman\) was found/],
    ['a socket that refuses', { kind: 'not-running', endpoint: 'unix:///run/podman/podman.sock', detail: 'ECONNREFUSED' }, probe('linux', ['podman']), /is not running/],
    ['a socket we may not use', { kind: 'permission-denied', endpoint: 'unix:///var/run/docker.sock', detail: 'EACCES' }, probe('linux', ['docker']), /not allowed/],
  ];
  it('an installed engine whose socket is not there is "not running" on the page, not "not installed"', async () => {
    expect((await jobsPageEngine({ kind: 'missing', tried: [] }, probe('linux', ['docker']))).state).toBe('not-running');
    expect(engineStatusOf({ ok: false, problem: { kind: 'missing', tried: [] } }, engineHostOf(probe('linux', []))).state).toBe('missing');
  });

  it.each(unreachable)('%s: the same sentence and the same next step in both places', async (_name, problem, host, expected) => {
    const page = await jobsPageWords(problem, host);
    expect(page.message).toMatch(expected);
    expect(page.nextStep).toMatch(/\w/);
    expect(await doctorWords({ ok: false, problem }, host, 'container-engine')).toEqual(page);
  });

  it('an engine without a GPU runtime: the page’s warning is the doctor’s GPU finding, with the product’s own fix', async () => {
    for (const product of ['Docker', 'Podman'] as const) {
      const finding = { ok: true as const, endpoint: 'unix:///var/run/docker.sock', info: info({ product }) };
      const page = engineStatusOf(finding, engineHostOf(probe('linux', ['nvidia-smi'])));
      expect(page).toMatchObject({ state: 'ready', gpuRuntime: 'none', name: `${product} 27.1.0` });
      expect(page.nextStep).toMatch(product === 'Podman' ? /cdi generate/ : /runtime configure --runtime=docker/);
      expect(await doctorWords(finding, probe('linux', ['nvidia-smi']), 'container-gpu')).toEqual({ message: page.message, nextStep: page.nextStep });
    }
  });

  it('a ready engine with GPU access has nothing to warn about', () => {
    const status = engineStatusOf({ ok: true, endpoint: 'e', info: info({ cdiDevices: ['nvidia.com/gpu=all'] }) }, engineHostOf(probe('linux', [])));
    expect(status).toEqual({ state: 'ready', name: 'Docker 27.1.0', endpoint: 'e', gpuRuntime: 'cdi', message: null, nextStep: null });
  });

  it('describes every problem kind with a next step on every platform', () => {
    const problems: EngineProblem[] = [
      { kind: 'missing', tried: [] },
      { kind: 'not-running', endpoint: 'x', detail: 'y' },
      { kind: 'permission-denied', endpoint: 'x', detail: 'y' },
      { kind: 'error', endpoint: 'x', detail: 'y' },
    ];
    for (const platform of ['linux', 'darwin', 'win32']) {
      for (const problem of problems) {
        const words = describeEngineProblem(problem, engineHostOf(probe(platform, [])));
        expect(words.message.length).toBeGreaterThan(20);
        expect(words.nextStep.length).toBeGreaterThan(20);
      }
    }
  });
});
