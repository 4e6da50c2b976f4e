import { describe, expect, it } from 'vitest';
import { SiGraphicsSource, toGraphicsController } from './si-graphics.js';

describe('SiGraphicsSource (real systeminformation in a child process)', () => {
  it('lists this machine\'s controllers as our own type', async () => {
    const controllers = await new SiGraphicsSource().list();
    expect(Array.isArray(controllers)).toBe(true);
    for (const c of controllers) expect(Object.keys(c).sort()).toEqual(['busAddress', 'driverVersion', 'model', 'vendor', 'vendorId', 'vramDynamic', 'vramMiB']);
  });

  it('gives up with a plain reason when the system does not answer in time', async () => {
    await expect(new SiGraphicsSource(1).list()).rejects.toThrow(/did not list its graphics controllers/);
  });

  it('maps Windows records (no busAddress, pciBus from nvidia-smi) and Linux ones', () => {
    expect(toGraphicsController({ vendor: 'NVIDIA', model: 'NVIDIA GeForce RTX 4070', busAddress: '', pciBus: '00000000:01:00.0', vram: 4095, vramDynamic: false, vendorId: '0x10DE' })).toEqual({
      vendor: 'NVIDIA', vendorId: '10de', model: 'NVIDIA GeForce RTX 4070', busAddress: '00000000:01:00.0', vramMiB: 4095, vramDynamic: false, driverVersion: null,
    });
    expect(toGraphicsController({ vendor: 'Intel Corporation', model: '', name: 'UHD 630', busAddress: '00:02.0', vram: null, vramDynamic: true })).toMatchObject({ model: 'UHD 630', vramMiB: null, vramDynamic: true });
  });
});
