import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { philox4x32 } from './philox.js';
import { createWasmPhilox, philoxWasmBytes, WASM_MAX_BLOCKS } from './philox-wasm.js';
import { streamFiller } from './inputs.js';

describe('WebAssembly Philox', () => {
  it('assembles a small valid module and instantiates here', () => {
    const bytes = philoxWasmBytes();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(bytes.length).toBeLessThan(1024);
    expect(createWasmPhilox()).not.toBeNull();
  });

  it('writes (philox word mod 17) − 8 for every lane, for any key, stream and block range', () => {
    const wasm = createWasmPhilox()!;
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 7 }), u32, fc.integer({ min: 1, max: 9 }), (k0, k1, stream, first, count) => {
        const values = wasm.fill(k0, k1, stream, first, count);
        expect(values.length).toBe(count * 4);
        for (let b = 0; b < count; b++) {
          const words = philox4x32([(first + b) >>> 0, stream, 0, 0], [k0, k1]);
          for (let lane = 0; lane < 4; lane++) expect(values[b * 4 + lane]).toBe((words[lane]! % 17) - 8);
        }
      }),
      { numRuns: 300 },
    );
    // Random123 KAT: ctr = (0, 0, 0, 0), key = (0, 0), through the mod-17 mapping.
    expect(Array.from(wasm.fill(0, 0, 0, 0, 1))).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8].map((w) => (w % 17) - 8));
  });

  it('streamFiller gives identical values on the WebAssembly and JS paths, across chunk boundaries', () => {
    const seed = 'fedcba9876543210';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: WASM_MAX_BLOCKS * 4 + 40 }), (offset, count) => {
        const viaWasm = new Int32Array(count);
        const viaJs = new Int32Array(count);
        streamFiller(seed, 2)(viaWasm, offset, count);
        streamFiller(seed, 2, { wasm: false })(viaJs, offset, count);
        expect(viaWasm).toEqual(viaJs);
      }),
      { numRuns: 25 },
    );
  });
});
