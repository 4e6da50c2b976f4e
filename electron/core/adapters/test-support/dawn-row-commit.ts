import { existsSync } from 'node:fs';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  bindRowCommit,
  DIGEST_BYTES,
  encodeRowCommit,
  LEAF_WORKGROUP,
  leafHashSource,
  merkleTreeSource,
  rowHashParams,
  treeScratchBytes,
  type RowCommitPipelines,
} from '../../../../protocol/bench/wgsl/row-hash.js';
import { SWIFTSHADER_ICD_PATHS } from '../dawn-webgpu.js';

export interface RowMatrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/** Dawn's GPU object, falling back to SwiftShader (as DawnWebGpuRunner does) when no adapter is found. */
export async function dawnGpu(): Promise<GPU> {
  const dawn = (await import('webgpu')) as unknown as { create(options: string[]): GPU };
  const gpu = dawn.create([]);
  if (await gpu.requestAdapter()) return gpu;
  const icd = SWIFTSHADER_ICD_PATHS.find((path) => existsSync(path));
  if (!icd || process.env.VK_ICD_FILENAMES) throw new Error('no WebGPU adapter and no SwiftShader ICD');
  process.env.VK_ICD_FILENAMES = icd;
  return dawn.create([]);
}

/**
 * Runs the production row-hash kernels (protocol/bench/wgsl/row-hash.ts) on any rows × cols matrices, one
 * device for all of them, and returns each one's leaves (rows × 32 B) and root as read back from the GPU.
 */
export async function gpuRowCommit(gpu: GPU, matrices: RowMatrix[]): Promise<{ leaves: Uint8Array; root: string }[]> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  const device = await adapter.requestDevice();
  try {
    const compile = (code: string) => device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const [leaf, tree] = await Promise.all([compile(leafHashSource()), compile(merkleTreeSource())]);
    const out: { leaves: Uint8Array; root: string }[] = [];
    for (const matrix of matrices) out.push(await commitOne(device, { leaf, tree }, matrix));
    return out;
  } finally {
    device.destroy();
  }
}

const STORAGE = 0x0080;
const COPY_DST = 0x0008;
const COPY_SRC = 0x0004;
const MAP_READ = 0x0001;
const UNIFORM = 0x0040;

async function commitOne(device: GPUDevice, pipelines: RowCommitPipelines, { values, rows, cols }: RowMatrix): Promise<{ leaves: Uint8Array; root: string }> {
  const buffers: GPUBuffer[] = [];
  const make = (size: number, usage: number) => {
    const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    buffers.push(buffer);
    return buffer;
  };
  try {
    const c = make(values.byteLength, STORAGE | COPY_DST);
    device.queue.writeBuffer(c, 0, new Float32Array(values));
    const leaves = make(rows * DIGEST_BYTES, STORAGE | COPY_SRC);
    const roots = make(DIGEST_BYTES, STORAGE | COPY_SRC);
    const params = make(16, UNIFORM | COPY_DST);
    device.queue.writeBuffer(params, 0, rowHashParams(rows, cols, 0));
    const bindings = bindRowCommit(device, pipelines, { c, leaves, scratch: make(treeScratchBytes(rows), STORAGE), roots, params }, [Math.ceil(rows / LEAF_WORKGROUP), 1, 1]);
    const staging = make((rows + 1) * DIGEST_BYTES, COPY_DST | MAP_READ);
    const encoder = device.createCommandEncoder();
    encodeRowCommit(encoder, pipelines, bindings);
    encoder.copyBufferToBuffer(leaves, 0, staging, 0, rows * DIGEST_BYTES);
    encoder.copyBufferToBuffer(roots, 0, staging, rows * DIGEST_BYTES, DIGEST_BYTES);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const bytes = new Uint8Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return { leaves: bytes.slice(0, rows * DIGEST_BYTES), root: bytesToHex(bytes.subarray(rows * DIGEST_BYTES, (rows + 1) * DIGEST_BYTES)) };
  } finally {
    for (const buffer of buffers) buffer.destroy();
  }
}
