import { describe, expect, it } from 'vitest';
import type { ContainerEngine, EngineConnection, EngineInfo } from '../jobs/ports.js';
import { engineChecks, type HostProbe } from './engine-checks.js';

const info = (over: Partial<EngineInfo> = {}): EngineInfo => ({ product: 'Podman', version: '4.3.1', os: 'debian', nvidiaRuntime: false, cdiDevices: [], dataRoot: '/var/lib/containers', ...over });

function host(over: Partial<HostProbe> & { onPathNames?: string[]; execOut?: Record<string, { code: number | null; stdout: string }> } = {}): HostProbe {
  return {
    platform: 'linux',
    homeDir: '/home/me',
    exec: async (command) => over.execOut?.[command] ?? { code: null, stdout: '' },
    onPath: (name) => (over.onPathNames ?? []).includes(name),
    freeBytes: async () => 100 * 1024 ** 3,
    ...over,
  };
}

function connected(engineInfo: EngineInfo, free: number | null = 100 * 1024 ** 3): EngineConnection {
  return { ok: true, info: engineInfo, engine: { endpoint: 'unix:///run/podman/podman.sock', freeDiskBytes: async () => free } as unknown as ContainerEngine };
}

async function run(connection: EngineConnection, probe: HostProbe) {
  const checks = engineChecks({ connector: { connect: async () => connection }, host: probe, dataDir: '/data' });
  return Object.fromEntries(await Promise.all(checks.map(async (c) => [c.id, await c.run()] as const)));
}

describe('engine doctor checks', () => {
  it('all fine on Linux with Podman and CDI GPUs', async () => {
    const r = await run(connected(info({ cdiDevices: ['nvidia.com/gpu=0', 'nvidia.com/gpu=all'] })), host());
    expect(Object.values(r).map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(r['container-engine']!.summary).toContain('Podman 4.3.1');
  });

  it('no engine at all: one sentence and how to install one', async () => {
    const r = await run({ ok: false, problem: { kind: 'missing', tried: ['unix:///var/run/docker.sock'] } }, host());
    expect(r['container-engine']).toMatchObject({ status: 'fail', summary: expect.stringMatching(/No container engine/) });
    expect(r['container-engine']!.fix).toMatch(/Install Podman/);
  });

  it('installed but not running', async () => {
    const r = await run({ ok: false, problem: { kind: 'missing', tried: [] } }, host({ onPathNames: ['podman'] }));
    expect(r['container-engine']!.summary).toMatch(/Podman is installed but its service is not running/);
    expect(r['container-engine']!.fix).toMatch(/podman\.socket/);
    const refused = await run({ ok: false, problem: { kind: 'not-running', endpoint: 'unix:///var/run/docker.sock', detail: 'ECONNREFUSED' } }, host());
    expect(refused['container-engine']!.summary).toMatch(/not running/);
  });

  it('permission denied on the socket names the docker group', async () => {
    const r = await run({ ok: false, problem: { kind: 'permission-denied', endpoint: 'unix:///var/run/docker.sock', detail: 'EACCES' } }, host());
    expect(r['container-engine']!.summary).toMatch(/not allowed/);
    expect(r['container-engine']!.fix).toMatch(/usermod -aG docker/);
  });

  it('no GPU runtime is a failure when an NVIDIA driver is present', async () => {
    const r = await run(connected(info({ product: 'Docker' })), host({ onPathNames: ['nvidia-smi'] }));
    expect(r['container-gpu']).toMatchObject({ status: 'fail', fix: expect.stringMatching(/nvidia-ctk runtime configure/) });
    const nvidia = await run(connected(info({ nvidiaRuntime: true })), host());
    expect(nvidia['container-gpu']!.status).toBe('ok');
  });

  it('Windows: WSL2 missing and virtualization off', async () => {
    const r = await run(
      { ok: false, problem: { kind: 'missing', tried: [] } },
      host({ platform: 'win32', execOut: { 'wsl.exe': { code: 1, stdout: 'WSL is not installed. Run wsl --install' }, 'powershell.exe': { code: 0, stdout: 'False\r\nFalse\r\n' } } }),
    );
    expect(r.wsl2).toMatchObject({ status: 'fail', fix: expect.stringMatching(/wsl --install/) });
    expect(r.virtualization).toMatchObject({ status: 'fail', summary: expect.stringMatching(/BIOS/) });
    const ok = await run(connected(info()), host({ platform: 'win32', execOut: { 'wsl.exe': { code: 0, stdout: 'Default Version: 2' }, 'powershell.exe': { code: 0, stdout: 'True\nTrue' } } }));
    expect(ok.wsl2!.status).toBe('ok');
    expect(ok.virtualization!.status).toBe('ok');
  });

  it('too little disk', async () => {
    expect((await run(connected(info(), 4 * 1024 ** 3), host()))['job-disk']).toMatchObject({ status: 'fail', summary: expect.stringMatching(/4\.0 GB/) });
    expect((await run(connected(info(), 20 * 1024 ** 3), host()))['job-disk']!.status).toBe('warn');
  });
});
