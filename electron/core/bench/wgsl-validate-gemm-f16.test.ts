/** The tiled FP16 GEMMs (every tiling that fits Dawn's null device), compiled by Tint: see wgsl-validate.test.ts. */
import { describe, expect, it } from 'vitest';
import { compileAll, nullDevice, tiledGemmSources } from './test-support/wgsl-compile.js';

describe('the tiled FP16 GEMMs compile', () => {
  it('with vec4 and with scalar access', async () => {
    const { device, storage } = await nullDevice();
    const sources = tiledGemmSources('f16', storage);
    expect(Object.keys(sources).length).toBeGreaterThanOrEqual(8);
    const failures = await compileAll(device, sources);
    device.destroy();
    expect(failures).toEqual([]);
  });
});
