import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DoctorReportSchema } from '../../../protocol/doctor.js';
import { UserFacingError } from '../../../protocol/errors.js';
import { buildInventory } from '../gpu/inventory.js';
import type { GpuDetection } from '../gpu/detector.js';
import { parseNvidiaSmi } from '../gpu/nvidia-smi-parse.js';
import { NVIDIA_QUERY_FIELDS, type GraphicsController, type NvidiaSmiOutcome } from '../gpu/ports.js';
import { benchmarkChecks } from './checks/benchmark.js';
import { gpuChecks } from './checks/gpu.js';
import { nodeVersionOk, systemChecks } from './checks/system.js';
import { Doctor, formatDoctorReport, runDoctorChecks, worstStatus, type DoctorCheck, type DoctorContext } from './index.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');
const tmp = mkdtempSync(join(tmpdir(), 'offhours-doctor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function detection(outcome: NvidiaSmiOutcome, controllers: GraphicsController[] = []): GpuDetection {
  const smi = parseNvidiaSmi(outcome);
  return { smi, controllers, controllersError: null, inventory: buildInventory({ smi, controllers, now: NOW }) };
}
const RTX_ROW = '0, NVIDIA GeForce RTX 4070, GPU-aa, 00000000:01:00.0, 12282, 11048, 566.36, 8.9, 41, 18.73, 200.00, 3, 1, 16';
const rtx = detection({ kind: 'exited', exitCode: 0, fields: NVIDIA_QUERY_FIELDS, stdout: RTX_ROW, stderr: '', header: 'CUDA Version: 12.7' });
const nothing = detection({ kind: 'missing' });
const nvidiaController: GraphicsController = { vendor: 'NVIDIA Corporation', vendorId: '10de', model: 'TU106 [GeForce RTX 2060]', busAddress: '01:00.0', vramMiB: 256, vramDynamic: false, driverVersion: null };
const noDriver = detection({ kind: 'missing' }, [nvidiaController]);
const mismatch = detection({ kind: 'exited', exitCode: 18, fields: NVIDIA_QUERY_FIELDS, stdout: 'Failed to initialize NVML: Driver/library version mismatch\n', stderr: '', header: null }, [nvidiaController]);

function context(overrides: Partial<DoctorContext> = {}): DoctorContext {
  return {
    dataDir: join(tmp, 'data'),
    nodeVersion: '20.19.5',
    runtime: 'node',
    detectGpus: async () => nothing,
    webgpu: { describe: async () => ({ vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: false, software: true, features: [], maxBufferSize: 1 << 28, maxStorageBufferBindingSize: 1 << 27 }) },
    cudaBenchPaths: [join(tmp, 'no-such-bench')],
    ...overrides,
  };
}

async function run(provider: (c: DoctorContext) => DoctorCheck[], ctx: DoctorContext, id: string) {
  const check = provider(ctx).find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check.run();
}

describe('doctor framework', () => {
  const check = (id: string, result: () => Promise<{ status: 'ok' | 'warn' | 'fail'; summary: string; fix: string | null }>): DoctorCheck => ({ id, title: id, run: result });

  it('keeps the order of the checks, times them, and reports the worst status', async () => {
    let t = 1000;
    const report = await runDoctorChecks(
      [
        check('b', async () => ({ status: 'warn', summary: 'meh', fix: 'do x' })),
        check('a', async () => ({ status: 'ok', summary: 'fine', fix: null })),
      ],
      { now: () => (t += 5) },
    );
    DoctorReportSchema.parse(report);
    expect(report.findings.map((f) => [f.id, f.status])).toEqual([['b', 'warn'], ['a', 'ok']]);
    expect(report.worst).toBe('warn');
    expect(report.findings.every((f) => f.durationMs >= 0)).toBe(true);
  });

  it('turns a throwing check into a failed finding and a hanging one into a timeout', async () => {
    const report = await runDoctorChecks(
      [
        check('boom', async () => {
          throw new Error('kaput');
        }),
        check('hang', () => new Promise(() => undefined)),
      ],
      { now: () => NOW.getTime(), timeoutMs: 50 },
    );
    expect(report.worst).toBe('fail');
    expect(report.findings[0]).toMatchObject({ status: 'fail', summary: expect.stringContaining('kaput') });
    expect(report.findings[1]).toMatchObject({ status: 'fail', summary: expect.stringContaining('did not finish') });
  });

  it('worstStatus ranks fail over warn over ok', () => {
    expect(worstStatus([])).toBe('ok');
    expect(worstStatus(['ok', 'warn', 'ok'])).toBe('warn');
    expect(worstStatus(['warn', 'fail', 'ok'])).toBe('fail');
  });

  it('formats a readable report with a fix under every problem and a verdict', async () => {
    const report = await runDoctorChecks(
      [check('x', async () => ({ status: 'fail', summary: 'Broken thing.', fix: 'Mend it.' })), check('y', async () => ({ status: 'ok', summary: 'Fine thing.', fix: null }))],
      { now: () => NOW.getTime() },
    );
    const text = formatDoctorReport(report);
    expect(text).toContain('[FAIL] x  Broken thing.');
    expect(text).toContain('Fix: Mend it.');
    expect(text).toContain('[ OK ] y  Fine thing.');
    expect(text).toMatch(/1 problem to fix\. Start with the FAIL lines\./);
  });

  it('Doctor runs GPU detection once for all checks and includes every provider', async () => {
    let detections = 0;
    const doctor = new Doctor(context({ detectGpus: async () => (detections++, rtx) }), { now: () => NOW.getTime() });
    const report = await doctor.run();
    expect(detections).toBe(1);
    expect(report.findings.map((f) => f.id)).toEqual(['nvidia-smi', 'gpu-driver', 'gpu-found', 'node-version', 'data-dir', 'webgpu', 'cuda-bench']);
    expect(report.ranAt).toBe(NOW.toISOString());
  });
});

describe('GPU checks', () => {
  it('a supported card: all three ok, naming the driver and CUDA version', async () => {
    const ctx = context({ detectGpus: async () => rtx });
    expect(await run(gpuChecks, ctx, 'nvidia-smi')).toMatchObject({ status: 'ok' });
    expect(await run(gpuChecks, ctx, 'gpu-driver')).toMatchObject({ status: 'ok', summary: 'Driver 566.36, CUDA 12.7, 1 card.' });
    expect(await run(gpuChecks, ctx, 'gpu-found')).toMatchObject({ status: 'ok', summary: expect.stringContaining('RTX 4070') });
  });

  it('no GPU at all (this machine): card fails, driver only warns', async () => {
    const ctx = context();
    expect(await run(gpuChecks, ctx, 'nvidia-smi')).toMatchObject({ status: 'warn' });
    expect(await run(gpuChecks, ctx, 'gpu-driver')).toMatchObject({ status: 'warn' });
    expect(await run(gpuChecks, ctx, 'gpu-found')).toMatchObject({ status: 'fail', fix: expect.stringContaining('driver') });
  });

  it('an NVIDIA card without a driver: nvidia-smi missing is a failure', async () => {
    expect(await run(gpuChecks, context({ detectGpus: async () => noDriver }), 'nvidia-smi')).toMatchObject({ status: 'fail', summary: expect.stringContaining('RTX 2060') });
  });

  it('a driver mismatch: the driver check fails with what nvidia-smi said and says to restart', async () => {
    const result = await run(gpuChecks, context({ detectGpus: async () => mismatch }), 'gpu-driver');
    expect(result).toMatchObject({ status: 'fail', summary: expect.stringContaining('Driver/library version mismatch'), fix: expect.stringContaining('Restart') });
  });
});

describe('system checks', () => {
  it('Node version threshold is 20.19', () => {
    expect(nodeVersionOk('20.19.0')).toBe(true);
    expect(nodeVersionOk('v22.1.0')).toBe(true);
    expect(nodeVersionOk('20.18.3')).toBe(false);
    expect(nodeVersionOk('18.20.4')).toBe(false);
  });

  it('a writable data dir passes and leaves no probe file behind', async () => {
    const ctx = context();
    expect(await run(systemChecks, ctx, 'data-dir')).toMatchObject({ status: 'ok' });
    expect(readdirSync(ctx.dataDir)).toEqual([]);
  });

  it('a data dir that is a file fails with a fix', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    expect(await run(systemChecks, context({ dataDir: file }), 'data-dir')).toMatchObject({ status: 'fail', fix: expect.stringContaining('--data-dir') });
  });

  it('an old Node fails', async () => {
    expect(await run(systemChecks, context({ nodeVersion: '18.20.4' }), 'node-version')).toMatchObject({ status: 'fail' });
  });
});

describe('benchmark checks', () => {
  it('a software WebGPU adapter is a warning; a hardware one is ok; a failure carries its next step', async () => {
    expect(await run(benchmarkChecks, context(), 'webgpu')).toMatchObject({ status: 'warn', summary: expect.stringContaining('SwiftShader') });
    const hardware = context({ webgpu: { describe: async () => ({ vendor: 'nvidia', architecture: 'ada-lovelace', device: '', description: 'NVIDIA GeForce RTX 4070', isFallbackAdapter: false, software: false, features: [], maxBufferSize: 1, maxStorageBufferBindingSize: 1 }) } });
    expect(await run(benchmarkChecks, hardware, 'webgpu')).toMatchObject({ status: 'ok', summary: expect.stringContaining('RTX 4070') });
    const broken = context({ webgpu: { describe: () => Promise.reject(new UserFacingError('bench-no-adapter', 'No graphics adapter is available to WebGPU.', 'Install a driver.')) } });
    expect(await run(benchmarkChecks, broken, 'webgpu')).toEqual({ status: 'fail', summary: 'No graphics adapter is available to WebGPU.', fix: 'Install a driver.' });
  });

  it('the CUDA program: found when executable, a failure only when a supported NVIDIA card needs it', async () => {
    const bench = join(tmp, 'offhours-cuda-bench');
    writeFileSync(bench, '#!/bin/sh\n');
    expect(await run(benchmarkChecks, context({ cudaBenchPaths: [bench] }), 'cuda-bench')).toMatchObject({ status: process.platform === 'win32' ? 'ok' : 'warn' });
    chmodSync(bench, 0o755);
    expect(await run(benchmarkChecks, context({ cudaBenchPaths: [join(tmp, 'missing'), bench] }), 'cuda-bench')).toMatchObject({ status: 'ok', summary: `Found at ${bench}.` });
    expect(await run(benchmarkChecks, context(), 'cuda-bench')).toMatchObject({ status: 'warn' });
    expect(await run(benchmarkChecks, context({ detectGpus: async () => rtx }), 'cuda-bench')).toMatchObject({ status: 'fail', fix: expect.stringContaining('build:native') });
  });
});
