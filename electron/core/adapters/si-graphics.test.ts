import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toGraphicsController } from './si-graphics.js';
import type * as SiGraphics from './si-graphics.js';

const built = join(import.meta.dirname, '..', '..', '..', 'dist', 'electron', 'core', 'adapters', 'si-graphics.js');
const builtSource = async () => ((await import(pathToFileURL(built).href)) as typeof SiGraphics).SiGraphicsSource;

// The child is the built module forking itself (as in the daemon); needs `npm run build`, skipped out loud without it.
if (!existsSync(built) && process.env.CI !== 'true') console.warn('SKIPPED: the graphics-list child needs "npm run build" first');
describe.skipIf(!existsSync(built) && process.env.CI !== 'true')('SiGraphicsSource (real systeminformation in a child process)', () => {
  it('lists this machine\'s controllers as our own type', async () => {
    const SiGraphicsSource = await builtSource();
    const controllers = await new SiGraphicsSource().list();
    expect(Array.isArray(controllers)).toBe(true);
    for (const c of controllers) expect(Object.keys(c).sort()).toEqual(['busAddress', 'driverVersion', 'model', 'vendor', 'vendorId', 'vramDynamic', 'vramMiB']);
  });

  it('gives up with a plain reason when the system does not answer in time', async () => {
    const SiGraphicsSource = await builtSource();
    await expect(new SiGraphicsSource(1).list()).rejects.toThrow(/did not list its graphics controllers/);
  });
});

describe('toGraphicsController', () => {
  it('maps Windows records (no busAddress, pciBus from nvidia-smi) and Linux ones', () => {
    expect(toGraphicsController({ vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 4070', busAddress: '', pciBus: '00000000:01:00.0', vram: 4095, vramDynamic: false, vendorId: '0x10DE' })).toEqual({
      vendor: 'NVIDIA', vendorId: '10de', model: 'NVIDIA GeForce RTX 4070', busAddress: '00000000:01:00.0', vramMiB: 4095, vramDynamic: false, driverVersion: null,
    });
    expect(toGraphicsController({ vendor: 'Intel Corporation', model: '', name: 'UHD 630', busAddress: '00:02.0', vram: null, vramDynamic: true })).toMatchObject({ model: 'UHD 630', vramMiB: null, vramDynamic: true });
  });
});
