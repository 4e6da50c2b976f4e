/**
 * The triad kernel's grid-stride loop on Dawn (SwiftShader here): a grid far smaller than the vectors still
 * writes every element exactly once (a = b + s·c) and nothing past the end. The benchmark only times it, so
 * this is where a wrong stride or a dropped tail would show.
 */
import { describe, expect, it } from 'vitest';
import { TRIAD_SOURCE, TRIAD_UNROLL, WORKGROUP_SIZE } from '../../../protocol/bench/wgsl/kernels.js';
import { dawnGpu } from '../adapters/test-support/dawn-row-commit.js';

const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

describe('triad kernel (grid-stride, several vec4 per invocation)', () => {
  it('computes a = b + 3c for every element with a grid of 2 workgroups, and leaves the rest alone', async () => {
    // Held until the end: Dawn aborts when a GPU instance is collected while its device works.
    const gpu = await dawnGpu();
    const adapter = await gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const count4 = 2 * WORKGROUP_SIZE * TRIAD_UNROLL + 777; // two passes of the grid, the second partial
    const spare = 4; // vec4s past the end that must stay untouched
    const floats = (count4 + spare) * 4;
    const b = Float32Array.from({ length: floats }, (_, i) => (i % 17) - 8);
    const c = Float32Array.from({ length: floats }, (_, i) => (i % 13) - 6);
    const sentinel = new Float32Array(floats).fill(-12345);
    const buffer = (data: Float32Array, usage: number) => {
      const out = device.createBuffer({ size: data.byteLength, usage: usage | COPY_DST });
      device.queue.writeBuffer(out, 0, data);
      return out;
    };
    const a = buffer(sentinel, STORAGE | COPY_SRC);
    const params = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
    device.queue.writeBuffer(params, 0, new Uint32Array([count4, 0, 0, 0]));
    device.queue.writeBuffer(params, 12, new Float32Array([3]));
    const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: TRIAD_SOURCE }), entryPoint: 'main' } });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [a, buffer(b, STORAGE), buffer(c, STORAGE), params].map((buf, binding) => ({ binding, resource: { buffer: buf } })) });
    const read = device.createBuffer({ size: floats * 4, usage: MAP_READ | COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(2);
    pass.end();
    encoder.copyBufferToBuffer(a, 0, read, 0, floats * 4);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(MAP_READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    device.destroy();
    expect(gpu).toBeDefined();
    const expected = Float32Array.from({ length: floats }, (_, i) => (i < count4 * 4 ? b[i]! + 3 * c[i]! : -12345));
    expect(out).toEqual(expected);
  }, 120_000);
});
