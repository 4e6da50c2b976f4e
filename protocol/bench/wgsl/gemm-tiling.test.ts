import { describe, expect, it } from 'vitest';
import { tiledGemmSource, type GemmTiling } from './kernels.js';

describe('GEMM tiling shapes', () => {
  it('refuses tile 4 with depth 8: its 128-vec4 A and B tiles cannot be loaded by 256 invocations without writing past them', () => {
    // @ts-expect-error — the type has no {tile: 4, depth: 8}: 64 rows × 8 deep is half a load per invocation.
    const broken: GemmTiling = { tile: 4, depth: 8 };
    expect(() => tiledGemmSource(broken, 'f32')).toThrow(/tile 4, depth 8/);
    expect(() => tiledGemmSource(broken, 'f16')).toThrow(/tile 4, depth 8/);
  });

  it.each<GemmTiling>([
    { tile: 4, depth: 16 },
    { tile: 8, depth: 8 },
    { tile: 8, depth: 16 },
  ])('builds every allowed shape (%o) with whole loads per invocation', (tiling) => {
    const source = tiledGemmSource(tiling, 'f32');
    // Each load block indexes `tid + l·256`: one block per whole 256-invocation load of the A tile and the B tile.
    const loads = (16 * tiling.tile * tiling.depth) / 4 / 256;
    expect(source.match(/let idx = tid \+/g)?.length).toBe(2 * loads);
  });
});
