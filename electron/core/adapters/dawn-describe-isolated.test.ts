import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as DawnModule from './dawn-webgpu.js';

const built = join(import.meta.dirname, '..', '..', '..', 'dist', 'electron', 'core', 'adapters', 'dawn-webgpu.js');

// The child is the built module forking itself (as in the daemon); needs `npm run build`, skipped out loud without it.
if (!existsSync(built) && process.env.CI !== 'true') console.warn('SKIPPED: the isolated adapter probe needs "npm run build" first');
describe.skipIf(!existsSync(built) && process.env.CI !== 'true')('adapter probe in a child process', () => {
  it('describes the adapter from a forked child, never loading Dawn into this process', async () => {
    const { DawnWebGpuRunner } = (await import(pathToFileURL(built).href)) as typeof DawnModule;
    const description = await new DawnWebGpuRunner().describe();
    expect(description.vendor.length + description.description.length + description.device.length).toBeGreaterThan(0);
    expect(description.maxBufferSize).toBeGreaterThan(0);
    // The probe ran in the child: nothing here ever imported Node's WebGPU package.
    expect(Object.keys(await import('node:module').then((m) => m.createRequire(import.meta.url).cache)).some((path) => /node_modules[\\/]webgpu[\\/]/.test(path))).toBe(false);
  }, 60_000);

  it('reports a probe that cannot find any adapter as a failed probe, the caller unharmed', async () => {
    const { DawnWebGpuRunner } = (await import(pathToFileURL(built).href)) as typeof DawnModule;
    const runner = new DawnWebGpuRunner({ env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' }, icdPaths: [] });
    await expect(runner.describe()).rejects.toMatchObject({ code: expect.stringMatching(/^bench-/) });
  }, 60_000);
});
