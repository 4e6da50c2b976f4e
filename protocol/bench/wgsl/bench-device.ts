/**
 * The GPU side of one benchmark run: the buffers and pipelines it allocates (all released by `destroy`),
 * and how a batch of dispatches is timed. GPU timestamps are used while they look sane; the first time they
 * do not, the run falls back to the wall clock for good and says so in `notes`.
 */
import { UserFacingError } from '../../errors.js';
import { TRIALS_PER_KERNEL } from '../report.js';
import { WORKGROUP_SIZE } from './kernels.js';

// GPUBufferUsage / GPUMapMode values, spelled out so the harness needs no globals from any host.
export const USAGE_MAP_READ = 0x0001;
export const USAGE_COPY_SRC = 0x0004;
export const USAGE_COPY_DST = 0x0008;
export const USAGE_UNIFORM = 0x0040;
export const USAGE_STORAGE = 0x0080;
const USAGE_QUERY_RESOLVE = 0x0200;
export const MAP_READ = 0x0001;

/** A compiled kernel bound to its buffers, with the workgroup grid of one dispatch. */
export interface Kernel {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number, number];
}

export interface BenchDeviceOptions {
  /** Why the driver dropped the device, once it has. */
  lostReason: () => string | null;
  nowMs: () => number;
  /** Whether the device was opened with 'timestamp-query'. */
  timestamps: boolean;
  /** The run's notes for the owner; the timestamp fallback adds one. */
  notes: string[];
}

/** Where a pass writes its begin/end timestamps and how they come back to the CPU. */
interface TimestampQueries {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
}

export class BenchDevice {
  readonly maxDim: number;
  private readonly buffers: GPUBuffer[] = [];
  private readonly queries: TimestampQueries | null;
  private clock: 'timestamp' | 'wall';

  constructor(
    readonly device: GPUDevice,
    private readonly options: BenchDeviceOptions,
  ) {
    this.maxDim = device.limits.maxComputeWorkgroupsPerDimension;
    this.queries = options.timestamps
      ? {
          querySet: device.createQuerySet({ type: 'timestamp', count: 2 }),
          resolve: this.track(device.createBuffer({ size: 16, usage: USAGE_QUERY_RESOLVE | USAGE_COPY_SRC })),
          read: this.track(device.createBuffer({ size: 16, usage: USAGE_COPY_DST | USAGE_MAP_READ })),
        }
      : null;
    this.clock = options.timestamps ? 'timestamp' : 'wall';
  }

  /** The clock the timings came from: 'wall' once timestamps were missing or untrustworthy. */
  get timing(): 'timestamp' | 'wall' {
    return this.clock;
  }

  storage(bytes: number, extra = 0): GPUBuffer {
    return this.track(this.device.createBuffer({ size: bytes, usage: USAGE_STORAGE | USAGE_COPY_SRC | extra }));
  }

  uniform(words: ArrayBuffer): GPUBuffer {
    const buffer = this.track(this.device.createBuffer({ size: Math.max(16, words.byteLength), usage: USAGE_UNIFORM | USAGE_COPY_DST }));
    this.device.queue.writeBuffer(buffer, 0, words);
    return buffer;
  }

  /** Compiles `code`; a driver that refuses it fails the run with the compiler's own messages. */
  async pipeline(code: string, label: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ code, label });
    try {
      return await this.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
    } catch (error) {
      const info = await module.getCompilationInfo().catch(() => null);
      const details = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
      throw new UserFacingError('bench-shader', `The graphics driver could not compile the ${label} benchmark: ${details || (error as Error).message}`, 'Update your graphics driver and run the benchmark again.');
    }
  }

  /** Binds `resources` to bindings 0, 1, 2… of the pipeline's group 0. */
  kernel(pipeline: GPUComputePipeline, resources: GPUBuffer[], groups: [number, number, number]): Kernel {
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    return { pipeline, bindGroup, groups };
  }

  /** Fills `count` floats of `target` from the Philox stream `stream` under the seed's key (not awaited). */
  fill(target: GPUBuffer, stream: number, count: number, key: readonly [number, number], fillPipeline: GPUComputePipeline): void {
    const params = this.uniform(new Uint32Array([count, stream, key[0], key[1]]).buffer);
    const k = this.kernel(fillPipeline, [target, params], grid(Math.ceil(Math.ceil(count / 4) / WORKGROUP_SIZE), this.maxDim));
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    pass.dispatchWorkgroups(...k.groups);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Runs `reps` dispatches in one pass; returns integer nanoseconds. */
  async timeDispatches(k: Kernel, reps: number): Promise<number> {
    const stamps = this.clock === 'timestamp' ? this.queries : null;
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass(stamps ? { timestampWrites: { querySet: stamps.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...k.groups);
    pass.end();
    if (stamps) {
      encoder.resolveQuerySet(stamps.querySet, 0, 2, stamps.resolve, 0);
      encoder.copyBufferToBuffer(stamps.resolve, 0, stamps.read, 0, 16);
    }
    const t0 = this.options.nowMs();
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    const wallNs = Math.max(1, Math.round((this.options.nowMs() - t0) * 1e6));
    const lost = this.options.lostReason();
    if (lost) throw deviceLost(lost);
    if (!stamps) return wallNs;
    const gpuNs = await this.readTimestamps(stamps.read);
    // Timestamps that are zero, backwards, or wildly off the wall clock are not trustworthy: fall back.
    if (gpuNs > 0 && gpuNs <= wallNs * 1.5 + 2e6) return gpuNs;
    this.clock = 'wall';
    this.options.notes.push('GPU timestamps looked wrong on this adapter, so wall-clock time was used.');
    return wallNs;
  }

  /** Warm-up and calibration (excluded), then the timed trials, reporting progress after each. */
  async measure(k: Kernel, targetMs: number, onTrial: (done: number, total: number) => void, maxReps = 4096): Promise<{ reps: number; trialsNs: number[] }> {
    await this.timeDispatches(k, 1); // warm-up, excluded
    const once = await this.timeDispatches(k, 1);
    const reps = Math.max(1, Math.min(maxReps, Math.ceil((targetMs * 1e6) / once)));
    const trialsNs: number[] = [];
    for (let t = 0; t < TRIALS_PER_KERNEL; t++) {
      trialsNs.push(await this.timeDispatches(k, reps));
      onTrial(t + 1, TRIALS_PER_KERNEL);
    }
    return { reps, trialsNs };
  }

  async readBack(buffer: GPUBuffer, bytes: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: bytes, usage: USAGE_COPY_DST | USAGE_MAP_READ });
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  }

  /** Releases every buffer this run made, the query set and the device. */
  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.queries?.querySet.destroy();
    this.device.destroy();
  }

  private async readTimestamps(read: GPUBuffer): Promise<number> {
    await read.mapAsync(MAP_READ);
    const stamps = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    return Number(stamps[1]! - stamps[0]!);
  }

  private track(buffer: GPUBuffer): GPUBuffer {
    this.buffers.push(buffer);
    return buffer;
  }
}

/** Splits a 1-D workgroup count into a grid no dimension of which exceeds the device limit. */
export function grid(total: number, maxPerDimension: number): [number, number, number] {
  if (total <= maxPerDimension) return [Math.max(1, total), 1, 1];
  const y = Math.ceil(total / maxPerDimension);
  return [Math.ceil(total / y), y, 1];
}

export function deviceLost(message: string): UserFacingError {
  return new UserFacingError('bench-device-lost', `The graphics driver stopped the benchmark: ${message}`, 'Close games and other GPU-heavy apps, update the driver, and run the benchmark again.');
}
