/**
 * Verification CPU time (issue 3: "under 1 s of CPU at n = 4096"). Verifies real signed reports at n = 1024
 * and n = 4096 — the full path the coordinator runs: JSON parse, schema, ed25519 signature, Merkle paths,
 * Freivalds A(B·r) regenerated from the seed, the opened rows against A[i]·B, stats, score, plausibility.
 *
 * The reports are fixtures in bench/fixtures (C = A·B computed once on the CPU, committed to by its Merkle
 * root, probed and signed by proveAndSign). A missing fixture is regenerated (minutes at n = 4096); the
 * verifier itself proves a fixture honest, and the suite fails if one does not verify.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalChallenge } from '../protocol/bench/challenge.js';
import { matrixInt8, STREAM_A, STREAM_B } from '../protocol/bench/inputs.js';
import { proveAndSign } from '../protocol/bench/prove.js';
import { kernelResult, type BenchReport } from '../protocol/bench/report.js';
import { generateSecretKey, memorySigner } from '../protocol/bench/signing.js';
import { verifyReportText } from '../protocol/bench/verify.js';
import { packageRoot } from '../electron/headless/paths.js';
import { median, type BenchFigure, type BenchSuite } from './figure.js';

const SIZES = [1024, 4096] as const;
const RUNS = 5;

export function fixturePath(n: number): string {
  return join(packageRoot(), 'bench', 'fixtures', `verify-report-n${n}.json`);
}

/**
 * C = A·B on the CPU, two outputs per multiply-add: B's entries are packed in pairs into one f64
 * (b0 + b1·2^21); every partial sum stays below 2^19 in magnitude, so both lanes are exact and separable.
 */
export function packedCpuGemm(seedHex: string, n: number): Float32Array {
  if (n % 2) throw new Error('n must be even');
  const half = n / 2;
  const a = matrixInt8(seedHex, STREAM_A, n * n);
  const b = matrixInt8(seedHex, STREAM_B, n * n);
  const lane = 2 ** 21;
  const packed = new Float64Array(n * half);
  for (let k = 0; k < n; k++) for (let j = 0; j < half; j++) packed[k * half + j] = b[k * n + 2 * j]! + b[k * n + 2 * j + 1]! * lane;
  const c = new Float32Array(n * n);
  const acc = new Float64Array(half);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      const base = k * half;
      for (let j = 0; j < half; j++) acc[j]! += aik * packed[base + j]!;
    }
    for (let j = 0; j < half; j++) {
      const high = Math.round(acc[j]! / lane);
      // "+ 0" turns −0 (Math.round of a small negative) into +0: C must be the exact integers, bit for bit.
      c[i * n + 2 * j] = acc[j]! - high * lane + 0;
      c[i * n + 2 * j + 1] = high + 0;
    }
  }
  return c;
}

/** A real signed report for a local challenge of size n (plausible RTX 3060 kernel timings; the C is real). */
export async function makeFixture(n: number, now = new Date()): Promise<BenchReport> {
  const signer = memorySigner(generateSecretKey());
  const challenge = createLocalChallenge(now, { devicePublicKey: await signer.publicKeyHex(), quick: false, n });
  const c = packedCpuGemm(challenge.seed, n);
  const trials = (ns: number) => [0, 2, -1, 3, 1, -2, 4].map((d) => ns + d * 10_000);
  const flops = 2 * n ** 3;
  return proveAndSign(
    {
      challenge,
      app: { version: 'bench-fixture', kernelHash: '0'.repeat(64) },
      backend: 'webgpu',
      adapter: { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false },
      cuda: null,
      kernels: [
        kernelResult('fma', trials(100_000_000), 1_000_000_000_000),
        kernelResult('sgemm', trials(Math.round(flops / 7)), flops),
        kernelResult('triad', trials(2_600_000), 805_306_368),
      ],
      sustainedSeconds: null,
      c,
      createdAt: now,
    },
    signer,
  );
}

function loadOrMakeFixture(n: number): Promise<string> {
  const path = fixturePath(n);
  if (existsSync(path)) return Promise.resolve(readFileSync(path, 'utf8'));
  return makeFixture(n).then((report) => {
    const text = `${JSON.stringify(report)}\n`;
    writeFileSync(path, text);
    return text;
  });
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export const verifySuite: BenchSuite = {
  name: 'verify',
  async run(): Promise<BenchFigure[]> {
    const figures: BenchFigure[] = [];
    for (const n of SIZES) {
      const text = await loadOrMakeFixture(n);
      // The bench made the fixture's local challenge, so it checks the report against it, as its issuer would.
      const { createdAt, challenge } = JSON.parse(text) as BenchReport;
      for (const wasm of [true, false]) {
        const verify = () => verifyReportText(text, { challenge, seenNonces: new Set<string>(), now: new Date(createdAt), wasm });
        const first = verify();
        if (first.kind !== 'score-valid') throw new Error(`fixture n=${n} does not verify: ${first.reasons.map((r) => r.code).join(', ')}`);
        const cpu: number[] = [];
        const wall: number[] = [];
        const runs = wasm ? RUNS : 3;
        for (let run = 0; run < runs; run++) {
          const cpu0 = cpuMs();
          const wall0 = performance.now();
          const result = verify();
          wall.push(performance.now() - wall0);
          cpu.push(cpuMs() - cpu0);
          if (result.kind !== 'score-valid') throw new Error(`verification of the n=${n} fixture failed on run ${run}`);
        }
        figures.push({
          name: `verify.cpu_ms.n${n}${wasm ? '' : '.js_fallback'}`,
          value: Math.round(median(cpu)),
          unit: 'ms CPU',
          goal: n === 4096 && wasm ? '< 1000 ms' : null,
          note: `median of ${runs} full verifications of a signed report checked against its challenge (a valid score)${wasm ? '' : ' with the pure-JS Philox (hosts that refuse WebAssembly)'} (wall median ${Math.round(median(wall))} ms; max CPU ${Math.round(Math.max(...cpu))} ms)`,
        });
      }
    }
    return figures;
  },
};
