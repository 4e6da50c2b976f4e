import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { buildMerkleTree, merkleRoot } from '../../../protocol/bench/merkle.js';
import { philox4x32 } from '../../../protocol/bench/philox.js';
import { CudaDeviceSchema } from '../../../protocol/bench/report.js';
import type { CudaBenchFailure, CudaBenchProgress, CudaBenchResult } from '../ports.js';
import {
  CUDA_BENCH_EXECUTABLE,
  CudaBenchProcessRunner,
  cudaBenchArgs,
  cudaBenchCandidates,
  defaultCudaBenchTimeoutMs,
  interpretCudaBenchExit,
  locateCudaBench,
} from './cuda-bench-runner.js';

/**
 * The CUDA benchmark executable (native/) and its Node adapter, against the real binary built by
 * `make -C native`. This machine has nvcc but no GPU: GPU-mode runs must fail with the JSON error; on a
 * machine with an NVIDIA GPU the same tests run the real kernels instead and check C bit for bit.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const nativeDir = join(repoRoot, 'native');
const binary = join(nativeDir, 'build', CUDA_BENCH_EXECUTABLE);
const hasNvcc = spawnSync('sh', ['-c', 'command -v nvcc || test -x /usr/local/cuda/bin/nvcc'], { stdio: 'ignore' }).status === 0;
const hasNvidiaGpu = existsSync('/dev/nvidiactl');

if (!hasNvcc) {
  console.warn('\n*** nvcc not found: SKIPPING the CUDA benchmark binary tests (native/). Install the CUDA toolkit to run them. ***\n');
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'offhours-cuda-bench-'));
  if (hasNvcc) execFileSync('make', ['-s', '-C', nativeDir], { stdio: 'pipe', timeout: 900_000 });
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface RunOutput {
  status: number | null;
  json: Record<string, unknown>;
  stderr: string;
}

function runBinary(args: string[]): RunOutput {
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 120_000 });
  const lines = result.stdout.trim().split('\n');
  expect(lines, `stdout must be exactly one JSON document, got: ${result.stdout}`).toHaveLength(1);
  return { status: result.status, json: JSON.parse(lines[0]!) as Record<string, unknown>, stderr: result.stderr };
}

/** Element e of stream s, straight from the contract (independent of protocol/bench/inputs.ts). */
function contractValue(seedHex: string, stream: number, e: number): number {
  const key: [number, number] = [Number.parseInt(seedHex.slice(8), 16), Number.parseInt(seedHex.slice(0, 8), 16)];
  const word = philox4x32([Math.floor(e / 4), stream, 0, 0], key)[e % 4]!;
  return (word % 17) - 8;
}

/** C = A·B by the textbook triple loop over contract values. */
function directGemm(seedHex: string, n: number): Float32Array {
  const a = Array.from({ length: n * n }, (_, e) => contractValue(seedHex, 1, e));
  const b = Array.from({ length: n * n }, (_, e) => contractValue(seedHex, 2, e));
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k]! * b[k * n + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** Σ x[i]·(i+1) mod 2^64, as the executable's checksums. */
function weightedChecksum(values: ArrayLike<number>): string {
  const mask = (1n << 64n) - 1n;
  let sum = 0n;
  for (let i = 0; i < values.length; i++) sum = (sum + BigInt(values[i]!) * BigInt(i + 1)) & mask;
  return sum.toString();
}

function readC(path: string, n: number): Float32Array {
  const bytes = readFileSync(path);
  expect(bytes.length).toBe(n * n * 4);
  const c = new Float32Array(n * n);
  new Uint8Array(c.buffer).set(bytes);
  return c;
}

interface ReplayCase {
  n: number;
  triadElements: number;
}

/** A replay case with no wrong element on any path, conflict-free ldmatrix phases and an exact triad. */
const CLEAN_REPLAY = { sgemmMismatches: 0, hgemmMismatches: 0, sgemm80Mismatches: 0, hgemm80Mismatches: 0, ldmatrixConflictPhases: 0, triadMatches: true };

function sameBits(x: Float32Array, y: Float32Array): boolean {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
}

describe.skipIf(!hasNvcc)('native/ offhours-cuda-bench', () => {
  it('is built by make -C native', () => {
    expect(existsSync(binary)).toBe(true);
    // Up to date: a second make has nothing to do.
    const again = execFileSync('make', ['-C', nativeDir], { encoding: 'utf8' });
    expect(again).toMatch(/Nothing to be done|is up to date/);
  });

  it('--selftest passes the Random123 known-answer vectors', () => {
    const out = runBinary(['--selftest']);
    expect(out.status).toBe(0);
    expect(out.json.ok).toBe(true);
    const selftest = out.json.selftest as { hostKat: { passed: number; failed: number }; device: { ran: boolean; skipped?: string; katFailed?: number; fillMatchesHost?: boolean } };
    expect(selftest.hostKat).toMatchObject({ passed: 3, failed: 0 });
    if (hasNvidiaGpu) expect(selftest.device).toMatchObject({ ran: true, katFailed: 0, fillMatchesHost: true });
    else expect(selftest.device).toEqual({ ran: false, skipped: 'no-cuda-device' });
  });

  it.skipIf(hasNvidiaGpu)('without a GPU or driver exits 3 with a JSON error that says what to do', () => {
    const out = runBinary(['--seed', '0123456789abcdef', '--quick']);
    expect(out.status).toBe(3);
    expect(out.json.ok).toBe(false);
    const error = out.json.error as { code: string; message: string; nextStep: string };
    expect(error.code).toBe('no-cuda-device');
    expect(error.message).toMatch(/NVIDIA/);
    expect(error.nextStep).toMatch(/WebGPU/);
  });

  it('rejects a bad command line with exit 2 and a JSON error', () => {
    for (const args of [['--n', '64'], ['--seed', '0123456789ABCDEF'], ['--seed', '0123456789abcdef', '--kernels', 'fft'], ['--cpu', '--seed', '0123456789abcdef', '--n', '4096'], ['--bogus']]) {
      const out = runBinary(args);
      expect(out.status, args.join(' ')).toBe(2);
      expect(out.json).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    }
  });

  it('--cpu writes C bit-identical to protocol referenceGemm, with the same Merkle root', () => {
    const seeds = ['0123456789abcdef', '0000000000000000', 'ffffffffffffffff', 'deadbeef00c0ffee'];
    for (const n of [64, 128, 256]) {
      for (const seed of seeds) {
        const path = join(work, `c-${seed}-${n}.bin`);
        const out = runBinary(['--cpu', '--seed', seed, '--n', String(n), '--out-c', path, '--kernels', 'sgemm']);
        expect(out.status).toBe(0);
        const c = readC(path, n);
        const reference = referenceGemm(seed, n);
        expect(sameBits(c, reference), `seed ${seed} n ${n}`).toBe(true);
        expect(merkleRoot(buildMerkleTree(c, n))).toBe(merkleRoot(buildMerkleTree(reference, n)));
        expect((out.json.gemm as { checksum: string }).checksum).toBe(weightedChecksum(reference));
      }
    }
  });

  it('--cpu matches a direct triple-loop GEMM over contract values, including sizes off the tile grid', () => {
    for (const [seed, n] of [['0123456789abcdef', 1], ['a5a5a5a5a5a5a5a5', 5], ['0000000100000002', 33], ['fedcba9876543210', 70]] as const) {
      const path = join(work, `d-${seed}-${n}.bin`);
      const out = runBinary(['--cpu', '--seed', seed, '--n', String(n), '--out-c', path]);
      expect(out.status).toBe(0);
      expect(sameBits(readC(path, n), directGemm(seed, n)), `seed ${seed} n ${n}`).toBe(true);
    }
  });

  it('--cpu triad checksum equals a = b + 3c over contract values', () => {
    const seed = '13579bdf2468ace0';
    const elements = 4100;
    const out = runBinary(['--cpu', '--seed', seed, '--n', '8', '--kernels', 'triad', '--triad-elements', String(elements)]);
    expect(out.status).toBe(0);
    const a = Array.from({ length: elements }, (_, e) => contractValue(seed, 3, e) + 3 * contractValue(seed, 4, e));
    expect(out.json.triad).toEqual({ elements, scalar: 3, checksum: weightedChecksum(a) });
    expect(out.json.gemm).toBeNull();
  });

  it('the SGEMM and HGEMM kernels\' tile code (sm_75 and sm_80+ paths) and the triad, replayed thread by thread on the CPU, give the reference results for sizes on and off the tile grid', () => {
    const sim = join(nativeDir, 'build', 'offhours-kernel-sim');
    for (const args of [[], ['--seed', 'ffffffff00000001', '--n', '7', '--n', '136', '--n', '255']]) {
      const result = spawnSync(sim, args, { encoding: 'utf8', timeout: 300_000 });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const doc = JSON.parse(result.stdout) as { ok: boolean; cases: ReplayCase[] };
      expect(doc.ok).toBe(true);
      expect(doc.cases.length).toBe(args.length ? 3 : 12);
      for (const c of doc.cases) expect(c, `n ${c.n}`).toMatchObject(CLEAN_REPLAY);
      // The triad replay covers a count that is not a whole number of grid-stride steps.
      for (const c of doc.cases) expect(c.triadElements).toBe(c.n * c.n * 4 + 4);
    }
  }, 300_000);

  it('--plan: GEMM is timed on a grid of at least 2 blocks per SM (C stays at the challenge n), FMA in whole waves, triad one wave', () => {
    const plan = (args: string[]) => {
      const out = runBinary(['--plan', ...args]);
      expect(out.status).toBe(0);
      return out.json as { gemmTimingN: number; gemmBlocks: number; gemmText: string; fmaBlocks: number; fmaWaves: number; triadBlocks: number; n: number };
    };
    // H200 (132 SMs), quick challenge n = 256: a 2x2 grid would use 4 SMs; timed at 17x17 tiles instead.
    const h200 = plan(['--sm-count', '132', '--n', '256', '--fma-blocks-per-sm', '8', '--triad-blocks-per-sm', '8']);
    expect(h200).toMatchObject({ n: 256, gemmTimingN: 2176, gemmBlocks: 289, fmaBlocks: 132 * 8 * 2, fmaWaves: 2, triadBlocks: 132 * 8 });
    expect(h200.gemmText).toBe('n=2176 timed (C at n=256), 17x17 = 289 blocks on 132 SMs');
    for (const sms of [1, 28, 46, 82, 128, 170]) {
      const p = plan(['--sm-count', String(sms), '--n', '256']);
      expect(p.gemmBlocks, `${sms} SMs`).toBeGreaterThanOrEqual(2 * sms);
      expect(p.gemmTimingN % 128).toBe(0);
      expect(p.gemmBlocks).toBe((p.gemmTimingN / 128) ** 2);
    }
    // A challenge already larger than that is timed at its own size.
    expect(plan(['--sm-count', '82', '--n', '4096'])).toMatchObject({ gemmTimingN: 4096, gemmBlocks: 1024 });
    expect(runBinary(['--plan', '--n', '256']).status).toBe(2);
  });

  it('the replay under AddressSanitizer/UBSan: the kernels read and write nothing outside A, B and C', () => {
    execFileSync('make', ['-s', '-C', nativeDir, 'sanitize'], { stdio: 'pipe', timeout: 600_000 });
    const sim = join(nativeDir, 'build', 'offhours-kernel-sim-asan');
    const result = spawnSync(sim, ['--n', '1', '--n', '5', '--n', '33', '--n', '100', '--n', '129', '--n', '132', '--n', '200'], {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
    });
    expect(result.status, result.stderr.slice(0, 2000)).toBe(0);
    expect(result.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    const doc = JSON.parse(result.stdout) as { ok: boolean; cases: ReplayCase[] };
    expect(doc.ok).toBe(true);
    for (const c of doc.cases) expect(c, `n ${c.n}`).toMatchObject(CLEAN_REPLAY);
  }, 900_000);

  it('reads every field of the GPU-mode document report.cpp writes, and its device fits the signed report schema', () => {
    const sample = spawnSync(join(nativeDir, 'build', 'offhours-report-sample'), [], { encoding: 'utf8' });
    expect(sample.status).toBe(0);
    const result = interpretCudaBenchExit({ stdout: sample.stdout, stderrTail: '', exitCode: 0, signal: null, timedOut: false, aborted: false, timeoutMs: 1000 });
    expect(result.ok).toBe(true);
    const ok = result as CudaBenchResult;
    expect(ok).toMatchObject({ mode: 'cuda', seedHex: '0123456789abcdef', n: 4096, wallMs: 31234, sustained: { ms: 20012 } });
    expect(ok.device).toEqual({ name: 'Sample GPU "quoted"', computeCapability: '8.6', smCount: 82, memoryBytes: 25769803776, driverVersion: '13.0', runtimeVersion: '13.0' });
    expect(CudaDeviceSchema.parse(ok.device)).toEqual(ok.device);
    expect(ok.deviceDetails).toEqual({ index: 0, count: 2, clockKHz: 1695000, memoryClockKHz: 9751000, memoryBusWidthBits: 384, l2Bytes: 6291456, pciBusId: '0000:01:00.0', uuid: 'GPU-00112233-4455-6677-8899-aabbccddeeff' });
    expect(ok.kernels.map((k) => `${k.name}/${k.unit}/${k.launchesPerTrial}`)).toEqual(['fma/GFLOPS/1', 'sgemm/GFLOPS/2', 'hgemm/GFLOPS/3', 'triad/GB/s/4', 'sgemm_sustained/GFLOPS/5']);
    expect(ok.kernels[1]!.trialsNs).toEqual([1001000, 1001001, 1001002, 1001003, 1001004, 1001005, 1001006]);
    expect(ok.kernels[1]!.workPerTrial).toBe(137438953472);
    expect(ok.gemm).toEqual({ source: 'sgemm', checksum: '18446744073709551615', outC: '/tmp/sample-c.f32' });
    expect(ok.triad).toEqual({ elements: 67108864, scalar: 3, checksum: '42' });
    expect(ok.selfCheck).toEqual({ freivalds: true, hgemmMatchesSgemm: true });
  });

  it.runIf(hasNvidiaGpu)('on a real GPU: a quick n = 256 run times GEMM on a grid that fills every SM and says so', () => {
    const out = runBinary(['--quick', '--seed', '0123456789abcdef', '--n', '256', '--kernels', 'sgemm,hgemm', '--trials', '3']);
    expect(out.status, JSON.stringify(out.json)).toBe(0);
    const sms = (out.json.device as { smCount: number }).smCount;
    for (const kernel of out.json.kernels as { name: string; params: string }[]) {
      const blocks = Number(/= (\d+) blocks on (\d+) SMs/.exec(kernel.params)?.[1]);
      expect(blocks, kernel.params).toBeGreaterThanOrEqual(2 * sms);
      expect(kernel.params).toMatch(/\(C at n=256\)/);
    }
  });

  it.runIf(hasNvidiaGpu)('on a real GPU: SGEMM and HGEMM C equal the reference bit for bit, any n', () => {
    for (const n of [256, 200, 130, 33]) {
      const seed = '0123456789abcdef';
      const path = join(work, `gpu-${n}.bin`);
      const out = runBinary(['--quick', '--seed', seed, '--n', String(n), '--kernels', 'sgemm,hgemm,triad', '--triad-elements', '1048576', '--out-c', path]);
      expect(out.status, JSON.stringify(out.json)).toBe(0);
      expect(out.json.selfCheck).toEqual({ freivalds: true, hgemmMatchesSgemm: true });
      expect(sameBits(readC(path, n), referenceGemm(seed, n))).toBe(true);
    }
  });
});

describe('CudaBenchProcessRunner', () => {
  const fakes: string[] = [];
  function fakeExecutable(name: string, script: string): string {
    const path = join(work, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    fakes.push(path);
    return path;
  }

  it.skipIf(!hasNvcc)('runs the CPU reference and returns a parsed result with progress', async () => {
    const outC = join(work, 'runner-c.bin');
    const progress: CudaBenchProgress[] = [];
    const result = await new CudaBenchProcessRunner({ binaryPath: binary }).run(
      { seedHex: 'deadbeef00c0ffee', n: 64, quick: true, kernels: ['sgemm', 'triad'], cpu: true, outC, triadElements: 1024 },
      (p) => progress.push(p),
    );
    expect(result.ok).toBe(true);
    const ok = result as CudaBenchResult;
    expect(ok.mode).toBe('cpu');
    expect(ok.device).toBeNull();
    expect(ok.kernelHash).toMatch(/^[0-9a-f]{64}$/);
    expect(ok.gemm).toEqual({ source: 'cpu', checksum: weightedChecksum(referenceGemm('deadbeef00c0ffee', 64)), outC });
    expect(ok.triad?.elements).toBe(1024);
    expect(sameBits(readC(outC, 64), referenceGemm('deadbeef00c0ffee', 64))).toBe(true);
    expect(progress.map((p) => `${p.kernel}:${p.phase}:${p.done}/${p.total}`)).toEqual(['sgemm:cpu:0/1', 'sgemm:cpu:1/1']);
  });

  it.skipIf(!hasNvcc || hasNvidiaGpu)('turns "no GPU" into a failure with a next step', async () => {
    const result = await new CudaBenchProcessRunner({ binaryPath: binary }).run({ seedHex: '0123456789abcdef', n: 1024, quick: true, kernels: [] });
    expect(result).toMatchObject({ ok: false, code: 'no-cuda-device' });
    expect((result as CudaBenchFailure).nextStep).toMatch(/WebGPU/);
  });

  it('reports a missing executable', async () => {
    const runner = new CudaBenchProcessRunner({ candidates: [join(work, 'nowhere', CUDA_BENCH_EXECUTABLE)] });
    expect(runner.binary()).toBeNull();
    expect(await runner.run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] })).toMatchObject({ ok: false, code: 'cuda-bench-missing' });
    const gone = new CudaBenchProcessRunner({ binaryPath: join(work, 'nowhere', CUDA_BENCH_EXECUTABLE) });
    expect(await gone.run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] })).toMatchObject({ ok: false, code: 'cuda-bench-missing' });
  });

  it('refuses invalid options before starting anything', async () => {
    const runner = new CudaBenchProcessRunner({ binaryPath: '/bin/false' });
    expect(await runner.run({ seedHex: 'XYZ', n: 64, quick: true, kernels: [] })).toMatchObject({ ok: false, code: 'invalid-input' });
    expect(await runner.run({ seedHex: '0123456789abcdef', n: 0, quick: true, kernels: [] })).toMatchObject({ ok: false, code: 'invalid-input' });
    expect(await runner.run({ seedHex: '0123456789abcdef', n: 4096, quick: true, kernels: [], cpu: true })).toMatchObject({ ok: false, code: 'invalid-input' });
  });

  it('kills a hung benchmark at the timeout and says so', async () => {
    const pidFile = join(work, 'hung.pid');
    const hung = fakeExecutable('hung.sh', `echo $$ > ${pidFile}\nexec sleep 60`);
    const started = Date.now();
    const result = await new CudaBenchProcessRunner({ binaryPath: hung, timeoutMs: () => 500 }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ ok: false, code: 'cuda-bench-timeout' });
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('cancels on abort', async () => {
    const slow = fakeExecutable('slow.sh', 'exec sleep 60');
    const controller = new AbortController();
    const pending = new CudaBenchProcessRunner({ binaryPath: slow }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [], signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toMatchObject({ ok: false, code: 'cuda-bench-cancelled' });
  });

  it('survives a crashing benchmark (signal) and one that prints garbage', async () => {
    const crash = fakeExecutable('crash.sh', 'kill -SEGV $$');
    expect(await new CudaBenchProcessRunner({ binaryPath: crash }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] })).toMatchObject({
      ok: false,
      code: 'cuda-bench-crashed',
    });
    const garbage = fakeExecutable('garbage.sh', 'echo "not json"');
    expect(await new CudaBenchProcessRunner({ binaryPath: garbage }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] })).toMatchObject({
      ok: false,
      code: 'cuda-bench-bad-output',
    });
    const failing = fakeExecutable('failing.sh', 'echo "driver exploded" >&2; exit 9');
    const failed = await new CudaBenchProcessRunner({ binaryPath: failing }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] });
    expect(failed).toMatchObject({ ok: false, code: 'cuda-bench-failed' });
    expect((failed as CudaBenchFailure).message).toContain('driver exploded');
  });

  it('forwards progress lines and keeps going when a listener throws', async () => {
    const doc = JSON.stringify({ ok: false, formatVersion: 1, error: { code: 'no-cuda-device', message: 'No NVIDIA GPU was found.', nextStep: 'Use WebGPU.' } });
    const script = fakeExecutable(
      'progress.sh',
      `echo '{"progress":{"kernel":"fma","phase":"trial","done":1,"total":7}}' >&2\necho 'plain diagnostic' >&2\necho '${doc}'\nexit 3`,
    );
    const seen: CudaBenchProgress[] = [];
    const result = await new CudaBenchProcessRunner({ binaryPath: script }).run({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: [] }, (p) => {
      seen.push(p);
      throw new Error('listener bug');
    });
    expect(seen).toEqual([{ kernel: 'fma', phase: 'trial', done: 1, total: 7 }]);
    expect(result).toEqual({ ok: false, code: 'no-cuda-device', message: 'No NVIDIA GPU was found.', nextStep: 'Use WebGPU.' });
  });

  it('builds the command line from the options', () => {
    expect(cudaBenchArgs({ seedHex: '0123456789abcdef', n: 4096, quick: false, kernels: [] })).toEqual(['--seed', '0123456789abcdef', '--n', '4096']);
    expect(
      cudaBenchArgs({ seedHex: '0123456789abcdef', n: 64, quick: true, kernels: ['sgemm', 'triad'], cpu: true, outC: '/tmp/c.bin', sustainedSeconds: 5, triadElements: 1024, device: 1 }),
    ).toEqual(['--seed', '0123456789abcdef', '--n', '64', '--cpu', '--quick', '--kernels', 'sgemm,triad', '--out-c', '/tmp/c.bin', '--sustained-seconds', '5', '--triad-elements', '1024', '--device', '1']);
  });

  it('gives full runs with a sustained phase more time than quick runs', () => {
    const quick = defaultCudaBenchTimeoutMs({ seedHex: '0123456789abcdef', n: 2048, quick: true, kernels: [] });
    const full = defaultCudaBenchTimeoutMs({ seedHex: '0123456789abcdef', n: 4096, quick: false, kernels: [] });
    const longer = defaultCudaBenchTimeoutMs({ seedHex: '0123456789abcdef', n: 4096, quick: false, kernels: ['sgemm_sustained'], sustainedSeconds: 30 });
    expect(quick).toBeLessThan(full);
    expect(longer).toBe(full + 10_000);
  });

  it('finds the executable: env override, then packaged resources, then the dev build', () => {
    const candidates = cudaBenchCandidates({ env: { OFFHOURS_CUDA_BENCH: '/opt/x/bench' }, resourcesPath: '/app/resources', moduleUrl: import.meta.url });
    expect(candidates[0]).toBe('/opt/x/bench');
    expect(candidates[1]).toBe(join('/app/resources', 'native', CUDA_BENCH_EXECUTABLE));
    expect(candidates).toContain(binary);
    expect(locateCudaBench(candidates, (p) => p === binary)).toBe(binary);
    expect(locateCudaBench(candidates, () => false)).toBeNull();
    if (hasNvcc) expect(locateCudaBench(cudaBenchCandidates({ env: {} }))).toBe(binary);
  });

  it('looks in Electron\'s process.resourcesPath by default (the packaged app)', () => {
    const electronProcess = process as { resourcesPath?: string };
    electronProcess.resourcesPath = '/opt/Offhours/resources';
    try {
      expect(cudaBenchCandidates({ env: {} })[0]).toBe(join('/opt/Offhours/resources', 'native', CUDA_BENCH_EXECUTABLE));
      expect(cudaBenchCandidates({ env: {}, resourcesPath: undefined })[0]).not.toContain('/opt/Offhours');
    } finally {
      delete electronProcess.resourcesPath;
    }
  });

  it('interprets exits without a process (pure)', () => {
    const base = { stdout: '', stderrTail: '', exitCode: 0, signal: null, timedOut: false, aborted: false, timeoutMs: 90_000 };
    expect(interpretCudaBenchExit({ ...base, timedOut: true, exitCode: null, signal: 'SIGKILL' })).toMatchObject({ code: 'cuda-bench-timeout', message: expect.stringContaining('90 s') });
    expect(interpretCudaBenchExit({ ...base, outputTooLarge: true })).toMatchObject({ code: 'cuda-bench-bad-output' });
    // A success document with a missing field is not trusted.
    expect(interpretCudaBenchExit({ ...base, stdout: '{"ok":true,"formatVersion":1}' })).toMatchObject({ code: 'cuda-bench-bad-output' });
  });
});
