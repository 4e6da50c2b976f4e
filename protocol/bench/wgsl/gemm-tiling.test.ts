import { describe, expect, it } from 'vitest';
import { tiledGemmSource, type GemmTiling } from './kernels.js';

// The old kernel loaded each tile in whole rounds of 256 invocations: tile 4 with depth 8 (a 128-vec4 slice, half
// a round) read and wrote past its tiles. Now a partial round's loads and stores are guarded (and the shape is run
// bit-exact at odd sizes in electron/core/bench/dawn-harness.test.ts: it is the software adapters' variant).
describe('GEMM tiling shapes', () => {
  it('guards every load and store of a partial round (tile 4, depth 8: 128 vec4 per slice for 256 invocations)', () => {
    for (const vectorised of [true, false]) {
      const source = tiledGemmSource({ tile: 4, depth: 8 }, 'f32', vectorised);
      // Every fetch of A and B sits behind the slice's bound of 128 vec4s, and so does every store block.
      const fetches = source.split('\n').filter((line) => /p[ab]0 = load[AB]\(/.test(line));
      expect(fetches.length).toBeGreaterThanOrEqual(2);
      for (const line of fetches) expect(line.trim()).toMatch(/^if \(tid \+ 0u < 128u\) \{/);
      const guards = source.match(/if \(tid \+ 0u < 128u\)/g)?.length ?? 0;
      expect(guards).toBe(2 * fetches.length);
      expect(source).not.toMatch(/tid \+ 256u/);
    }
  });

  it.each<GemmTiling>([
    { tile: 4, depth: 16 },
    { tile: 8, depth: 8 },
    { tile: 8, depth: 16 },
  ])('needs no guard where the slice is whole rounds (%o)', (tiling) => {
    const source = tiledGemmSource(tiling, 'f32', true);
    expect(source).not.toMatch(/if \(tid \+ \d+u < \d+u\)/);
    const rounds = (16 * tiling.tile * tiling.depth) / 4 / 256;
    expect(source).toContain(`tid + ${(rounds - 1) * 256}u`);
  });
});
