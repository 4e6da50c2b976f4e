/**
 * The timed benchmark (issue 8): the coordinator times the work itself instead of trusting reported trials.
 * Pure (no Node, no DOM), shared by the coordinator (planning, verifying) and the app (rBits decoding).
 *
 *   coordinator → bench-challenge {n, seeds[K]}      provider computes C_k = A_k·B_k, one Merkle root each
 *   provider   → bench-roots {roots[K]}              the coordinator notes the arrival time
 *   coordinator → bench-probe (fresh r, rows)        only now does the provider learn what is checked
 *   provider   → bench-openings (C·r, rows + paths)  checked exactly against the seeds and the roots
 *
 * Soundness: the probe is drawn after the roots are committed, from the coordinator's CSPRNG, so a provider
 * that committed to a C of which only a fraction f of the rows is A·B passes only if every opened row landed on
 * a computed one: about f^k for k opened rows. Rows go to as many different GEMMs as possible (one row per GEMM
 * while K ≥ k), so skipping whole GEMMs is caught just as well as skipping rows within them. C·r = A(B·r)
 * (Freivalds) alone binds nothing (a cheater can compute it in O(n²)); it catches an honest but wrong C.
 *
 * Throughput = K·2n³ ÷ (rootsAt − sentAt − rtt): everything the provider does before its roots arrive
 * (input generation, GEMMs, read-back, hashing) counts, so the figure is a lower bound of the GPU's rate.
 * To keep that bound close, the provider hashes C on the GPU (wgsl/row-hash.ts) and reads back only 32 B per
 * row; it keeps those leaves, never C, and recomputes the opened rows and C·r from the seed when probed
 * (recomputeProbeAnswer: O(n²) per probed GEMM, the same work as the coordinator's check).
 *
 * Sizes at the largest plan (n = 4096, K = 1024): 140.7 TFLOP of work; 128 MiB of leaves held by the provider
 * between roots and probe; an openings frame under 1 MiB (MAX_FRAME_BYTES); the coordinator's check is 12
 * freivaldsCheck calls at n = 4096, each generating A and B (2 × 16.8 M Philox values) and ~4 n² multiply-adds.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { MAX_FRAME_BYTES, MAX_TIMED_GEMMS } from '../network.js';
import { streamFiller, STREAM_A, STREAM_B, type StreamFillerOptions } from './inputs.js';
import { rootFromOpenedRow } from './merkle.js';
import { freivaldsCheck, type ProbeResponse } from './probe.js';
import { GPU_SPECS, matchSpecVariants, plausibilityPeaks, tableMaxima, type GpuSpec } from './spec-table.js';
import { PLAUSIBILITY_FACTOR } from './verify.js';

/** Every n is a multiple of the largest GEMM block (16 × 8 outputs, the 128×128 tiling), so any tiling runs it. */
export const TIMED_N_STEP = 128;
export const TIMED_MIN_N = 128;
/**
 * Largest n the coordinator asks for (the wire schema's cap): a multiple of every tiling's block; one 64 MiB
 * matrix per buffer, within WebGPU's default 128 MiB storage binding, so every card that runs WebGPU holds
 * it; the openings of 12 rows still fit one frame (openingsFrameBytes ≈ 0.95 MiB < MAX_FRAME_BYTES); and
 * checking one probed GEMM costs O(n²) on the coordinator's CPU. Large n also keeps the provider's O(n²)
 * hashing small next to the O(n³) GEMM.
 */
export const TIMED_MAX_N = 4096;
/** The wire's cap: at n = 4096 that is 140.7 TFLOP, about 5 s on an RTX 4090 at the assumed efficiency. */
export const TIMED_MAX_GEMMS = MAX_TIMED_GEMMS;
/** At least this many GEMMs, so the probe can spread its rows. */
export const TIMED_MIN_GEMMS = 4;
/** Rows opened per challenge (k in f^k). */
export const TIMED_PROBE_ROWS = 12;
/** The schema's cap on rows per probed GEMM. */
const MAX_ROWS_PER_GEMM = 16;
/**
 * Fraction of the FP32 spec peak (per mille) the planner assumes the WGSL tiled SGEMM reaches, GPU hashing and
 * read-back included. An estimate, not yet measured on real cards (WebGPU SGEMMs reach about a third of the
 * spec peak, which counts dual-issue FP32 on Ampere and later): a card at 20 % takes 1.5 × the target, one
 * at 45 % two thirds of it. The deadline (8 × the target) only stops hung runs, so a wrong guess never fails
 * anyone; calibrate it from the coordinator's measured rates.
 */
export const TIMED_ASSUMED_EFFICIENCY_PER_MILLE = 300;
/** Planning rate when the claimed GPU is not in the spec table: the score's reference card (RTX 3060 12 GB). */
export const UNKNOWN_GPU_PLANNING_MILLI_GFLOPS = 12_740_000;
/**
 * Planning rate of a software adapter: SwiftShader ran this kernel at ~0.08 GFLOPS (marginal) on 2 busy cores,
 * plus ~5 s of pipeline compilation per run; a desktop CPU does several times that. Low, so demos stay short.
 */
export const SOFTWARE_PLANNING_MILLI_GFLOPS = 200;
/**
 * Fastest a software (CPU) adapter can plausibly be: a large many-core CPU's whole FP32 peak. A demo is still
 * timed honestly: a "software" provider faster than this is not running on a CPU (or its time is forged).
 */
export const SOFTWARE_CEILING_MILLI_GFLOPS = 4_000_000_000;
/** Denominator floor: no measured time is shorter than this. */
export const MIN_TIMED_ELAPSED_MS = 1;
/**
 * The round trip subtracted is capped at this share (per mille) of the raw time: a provider that delays its
 * pongs to inflate the RTT can gain at most this much. Real work is sized to seconds, real RTTs are ms.
 */
export const RTT_CAP_PER_MILLE = 100;

export type RandomBytes = (length: number) => Uint8Array;

export interface TimedProbe {
  gemm: number;
  /** r ∈ {±1}ⁿ, bit j (LSB first within each byte) set = +1. */
  rBits: string;
  rows: number[];
}

export interface TimedAnswer {
  gemm: number;
  response: ProbeResponse;
}

// ---------------------------------------------------------------------------------------------------
// r as bits

/** r ∈ {±1}ⁿ → hex; bit j of byte ⌊j/8⌋ (LSB first) set means +1; unused high bits are 0. */
export function encodeRBits(r: ArrayLike<number>): string {
  const bytes = new Uint8Array(Math.ceil(r.length / 8));
  for (let j = 0; j < r.length; j++) {
    if (r[j] === 1) bytes[j >>> 3]! |= 1 << (j & 7);
    else if (r[j] !== -1) throw new Error(`r[${j}] must be +1 or -1`);
  }
  return bytesToHex(bytes);
}

/** The ±1 vector of length n, or null when the hex has the wrong length or sets bits past n (not canonical). */
export function decodeRBits(hex: string, n: number): Int8Array | null {
  if (!Number.isInteger(n) || n < 1 || hex.length !== 2 * Math.ceil(n / 8) || !/^[0-9a-f]*$/.test(hex)) return null;
  const r = new Int8Array(n);
  for (let byte = 0; byte < hex.length / 2; byte++) {
    const value = Number.parseInt(hex.slice(2 * byte, 2 * byte + 2), 16);
    for (let bit = 0; bit < 8; bit++) {
      const j = byte * 8 + bit;
      const set = (value >>> bit) & 1;
      if (j >= n) {
        if (set) return null;
      } else r[j] = set ? 1 : -1;
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// Randomness

/** A uniform integer in [0, bound) from 32-bit words, by rejection (no modulo bias). */
export function uniformBelow(bound: number, random: RandomBytes): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 0x100000000) throw new Error('bound must be an integer in [1, 2^32]');
  const limit = Math.floor(0x100000000 / bound) * bound;
  for (;;) {
    const b = random(4);
    const word = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    if (word < limit) return word % bound;
  }
}

/** `count` distinct integers in [0, bound), in draw order. */
function distinctBelow(count: number, bound: number, random: RandomBytes): number[] {
  const picked: number[] = [];
  const seen = new Set<number>();
  while (picked.length < count) {
    const value = uniformBelow(bound, random);
    if (seen.has(value)) continue;
    seen.add(value);
    picked.push(value);
  }
  return picked;
}

// ---------------------------------------------------------------------------------------------------
// Planning

export interface TimedPlanInput {
  /** FP32 spec peak of the claimed GPU in milli-GFLOPS, or null when the claim matches no spec row. */
  claimedPeakMilliGflops: number | null;
  software: boolean;
  /** How long the work should take on the claimed class (5–10 s in production; less for demos and tests). */
  targetMs: number;
  random: RandomBytes;
  /** Largest n (default TIMED_MAX_N); rounded down to a multiple of TIMED_N_STEP. */
  maxN?: number;
  /**
   * Most GEMMs (default TIMED_MAX_GEMMS). The CUDA backend starts its program once per seed today, so a
   * coordinator may cap K lower for it until the native program takes several seeds per run.
   */
  maxGemms?: number;
  efficiencyPerMille?: number;
}

export interface TimedPlan {
  n: number;
  seeds: string[];
  /** The rate the plan assumed, milli-GFLOPS. */
  assumedMilliGflops: number;
  /** How long the work takes at that rate (over the target when a fast GPU hits the n and K caps, the other way). */
  expectedMs: number;
}

/** The FP32 peak of a spec row in milli-GFLOPS. */
export function specPeakMilliGflops(spec: Pick<GpuSpec, 'fp32Tflops'>): number {
  return Math.round(spec.fp32Tflops * 1_000_000);
}

export function gemmFlopsTotal(n: number, gemms: number): bigint {
  return BigInt(gemms) * 2n * BigInt(n) ** 3n;
}

/**
 * n and fresh seeds for about `targetMs` of work at the assumed rate: the largest n whose K reaches
 * TIMED_MIN_GEMMS (bigger GEMMs mean compute, not read-back and hashing, dominates the measured time), then K.
 */
export function planTimedChallenge(input: TimedPlanInput): TimedPlan {
  const maxN = Math.max(TIMED_MIN_N, Math.floor(Math.min(input.maxN ?? TIMED_MAX_N, TIMED_MAX_N) / TIMED_N_STEP) * TIMED_N_STEP);
  const efficiency = input.efficiencyPerMille ?? TIMED_ASSUMED_EFFICIENCY_PER_MILLE;
  const assumed = input.software
    ? SOFTWARE_PLANNING_MILLI_GFLOPS
    : Math.max(1, Math.round(((input.claimedPeakMilliGflops ?? UNKNOWN_GPU_PLANNING_MILLI_GFLOPS) * efficiency) / 1000));
  // milli-GFLOPS × ms = 1e3 FLOPs.
  const work = assumed * Math.max(1, input.targetMs) * 1000;
  let n = TIMED_MIN_N;
  for (let candidate = maxN; candidate >= TIMED_MIN_N; candidate -= TIMED_N_STEP) {
    if (Math.round(work / (2 * candidate ** 3)) >= TIMED_MIN_GEMMS) {
      n = candidate;
      break;
    }
  }
  const maxGemms = Math.max(TIMED_MIN_GEMMS, Math.min(input.maxGemms ?? TIMED_MAX_GEMMS, TIMED_MAX_GEMMS));
  const gemms = Math.min(maxGemms, Math.max(TIMED_MIN_GEMMS, Math.round(work / (2 * n ** 3))));
  const seeds: string[] = [];
  while (seeds.length < gemms) {
    const seed = bytesToHex(input.random(8));
    if (!seeds.includes(seed)) seeds.push(seed);
  }
  const expectedMs = Math.ceil((gemms * 2 * n ** 3) / (assumed * 1000));
  return { n, seeds, assumedMilliGflops: assumed, expectedMs };
}

/**
 * The probe: `rowsTotal` rows spread over min(K, rowsTotal) distinct GEMMs drawn uniformly (one row per GEMM
 * while K allows), each with its own fresh r. Every row within a GEMM is distinct.
 */
export function chooseProbes(gemms: number, n: number, random: RandomBytes, rowsTotal = TIMED_PROBE_ROWS): TimedProbe[] {
  if (!Number.isInteger(gemms) || gemms < 1 || gemms > TIMED_MAX_GEMMS) throw new Error(`gemms must be 1…${TIMED_MAX_GEMMS}`);
  if (!Number.isInteger(n) || n < 1) throw new Error('n must be a positive integer');
  const perGemmCap = Math.min(n, MAX_ROWS_PER_GEMM);
  const rows = Math.min(rowsTotal, gemms * perGemmCap);
  const probed = Math.min(gemms, rows);
  const indices = distinctBelow(probed, gemms, random).sort((a, b) => a - b);
  return indices.map((gemm, t) => {
    const count = Math.floor(rows / probed) + (t < rows % probed ? 1 : 0);
    const rBytes = random(Math.ceil(n / 8));
    if (n % 8) rBytes[rBytes.length - 1]! &= (1 << n % 8) - 1;
    return { gemm, rBits: bytesToHex(rBytes), rows: distinctBelow(count, n, random) };
  });
}

/** Upper estimate of a bench-openings frame for these probes (JSON digits of the largest possible values). */
export function openingsFrameBytes(n: number, probes: readonly Pick<TimedProbe, 'rows'>[]): number {
  const maxC = 64 * n; // |a|,|b| ≤ 8
  const cDigits = String(maxC).length + 2; // sign and comma
  const crDigits = String(maxC * n).length + 2;
  const depth = Math.ceil(Math.log2(n));
  let bytes = 200;
  for (const probe of probes) {
    bytes += 60 + n * crDigits;
    bytes += probe.rows.length * (40 + n * cDigits + depth * 67);
  }
  return bytes;
}

/** Whether a plan's probes fit one frame (checked in tests for the largest n). */
export function fitsOneFrame(n: number, probes: readonly Pick<TimedProbe, 'rows'>[]): boolean {
  return openingsFrameBytes(n, probes) <= MAX_FRAME_BYTES;
}

// ---------------------------------------------------------------------------------------------------
// Answering from the seed

export interface RecomputedAnswer {
  /** C·r as exact integers, length n. */
  cr: number[];
  /** Row `rows[t]` of C = A·B, exact integers, in the order asked. */
  values: number[][];
}

/**
 * What an honest provider that kept only the leaves sends: the asked rows of A·B and C·r = A(B·r), recomputed
 * from the seed in O(n²) time and O((k + 2)·n) memory (one streaming pass over B, one over A). Every value is
 * an integer below 2^31, so f64 sums are exact: the rows are bit-identical to any exact GEMM's C.
 */
export function recomputeProbeAnswer(seedHex: string, n: number, r: Int8Array, rows: readonly number[], options: StreamFillerOptions = {}): RecomputedAnswer {
  if (r.length !== n || rows.some((row) => !Number.isInteger(row) || row < 0 || row >= n)) throw new Error('the probe does not fit n');
  const readA = streamFiller(seedHex, STREAM_A, options);
  const readB = streamFiller(seedHex, STREAM_B, options);
  const aRows = rows.map((row) => {
    const a = new Float64Array(n);
    readA(a, row * n, n);
    return a;
  });
  const products = rows.map(() => new Float64Array(n));
  const br = new Float64Array(n);
  const bRow = new Float64Array(n);
  for (let kk = 0; kk < n; kk++) {
    readB(bRow, kk * n, n);
    let dot = 0;
    for (let j = 0; j < n; j++) dot += bRow[j]! * r[j]!;
    br[kk] = dot;
    for (let t = 0; t < rows.length; t++) addScaled(products[t]!, aRows[t]![kk]!, bRow);
  }
  return { cr: multiplyRows(readA, n, br), values: products.map((p) => Array.from(p)) };
}

/** out += scale · row (skipped when scale is 0: a ninth of A is). */
function addScaled(out: Float64Array, scale: number, row: Float64Array): void {
  if (scale === 0) return;
  for (let j = 0; j < row.length; j++) out[j]! += scale * row[j]!;
}

/** A·v, streaming A row by row. */
function multiplyRows(readA: ReturnType<typeof streamFiller>, n: number, v: Float64Array): number[] {
  const out = new Array<number>(n);
  const aRow = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    readA(aRow, i * n, n);
    let dot = 0;
    for (let kk = 0; kk < n; kk++) dot += aRow[kk]! * v[kk]!;
    out[i] = dot;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Measuring

export interface TimedClock {
  n: number;
  gemms: number;
  sentAtMs: number;
  rootsAtMs: number;
  rttMs: number;
}

/** The time credited: raw − min(rtt, RTT_CAP share of raw), never below MIN_TIMED_ELAPSED_MS. */
export function timedElapsedMs(clock: Pick<TimedClock, 'sentAtMs' | 'rootsAtMs' | 'rttMs'>): number {
  const raw = Math.max(0, Math.round(clock.rootsAtMs - clock.sentAtMs));
  const rtt = Math.min(Math.max(0, Math.round(clock.rttMs)), Math.floor((raw * RTT_CAP_PER_MILLE) / 1000));
  return Math.max(MIN_TIMED_ELAPSED_MS, raw - rtt);
}

/** K·2n³ FLOPs ÷ elapsed, as integer milli-GFLOPS (flops ÷ (ms · 1000)), rounded down; exact in bigint. */
export function timedThroughputMilliGflops(clock: TimedClock): number {
  return Number(gemmFlopsTotal(clock.n, clock.gemms) / (BigInt(timedElapsedMs(clock)) * 1000n));
}

export interface ThroughputCeiling {
  milliGflops: number;
  /** In words: what bounds it ("GeForce RTX 3060 12 GB FP32 peak × 1.25"). */
  basis: string;
}

/**
 * The fastest an honest run can be: the claimed GPU's FP32 peak × PLAUSIBILITY_FACTOR; the fastest known GPU's
 * when the claim matches no row (a made-up name gains nothing); a CPU's for a software adapter.
 */
export function throughputCeiling(claim: { name: string | null; memoryBytes?: number | null; software: boolean }, specs: readonly GpuSpec[] = GPU_SPECS): ThroughputCeiling {
  if (claim.software) return { milliGflops: SOFTWARE_CEILING_MILLI_GFLOPS, basis: 'the fastest a CPU (software adapter) can be' };
  const match = claim.name ? matchSpecVariants({ name: claim.name, memoryBytes: claim.memoryBytes ?? null }, specs) : null;
  const spec = match?.spec ?? null;
  // Memory variants that cannot be told apart: the faster one bounds it, so an honest card is never refused.
  const peak = specPeakMilliGflops(match ? plausibilityPeaks(match) : tableMaxima(specs));
  return {
    milliGflops: Math.round(peak * PLAUSIBILITY_FACTOR),
    basis: spec ? `${spec.name} FP32 peak × ${PLAUSIBILITY_FACTOR}` : `the fastest known GPU's FP32 peak × ${PLAUSIBILITY_FACTOR}`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Verifying

export const TIMED_FAILURE_REASONS = [
  'roots-count',
  'deadline',
  'too-fast',
  'missing-answer',
  'wrong-row-set',
  'probe-shape',
  'merkle-path-invalid',
  'row-cr-mismatch',
  'row-mismatch',
  'freivalds-mismatch',
] as const;
export type TimedFailureReason = (typeof TIMED_FAILURE_REASONS)[number];

export interface TimedCommitment extends TimedClock {
  seeds: readonly string[];
  roots: readonly string[];
  probes: readonly TimedProbe[];
  deadlineMs: number;
  ceiling: ThroughputCeiling;
}

export interface TimedCheck {
  passed: boolean;
  reason: TimedFailureReason | null;
  message: string;
  throughputMilliGflops: number;
}

type Failure = { reason: TimedFailureReason; message: string };

/** The checks that need no openings (the coordinator runs them as soon as the roots arrive). */
export function checkTimedCommitment(c: Omit<TimedCommitment, 'probes'>): TimedCheck {
  const throughput = timedThroughputMilliGflops(c);
  const failure = commitmentFailure(c, throughput);
  return failure ? { passed: false, ...failure, throughputMilliGflops: throughput } : { passed: true, reason: null, message: 'The results arrived in time.', throughputMilliGflops: throughput };
}

function commitmentFailure(c: Omit<TimedCommitment, 'probes'>, throughput: number): Failure | null {
  if (c.roots.length !== c.seeds.length || c.seeds.length !== c.gemms) {
    return { reason: 'roots-count', message: `The challenge had ${c.seeds.length} matrix products but ${c.roots.length} results were committed.` };
  }
  if (c.rootsAtMs > c.deadlineMs) {
    return { reason: 'deadline', message: `The results arrived ${Math.round((c.rootsAtMs - c.deadlineMs) / 1000)} s after the deadline: this GPU is slower than the class it was sized for, or it was busy.` };
  }
  if (throughput > c.ceiling.milliGflops) {
    return {
      reason: 'too-fast',
      message: `The results arrived after ${timedElapsedMs(c)} ms, ${formatGflops(throughput)}: faster than ${c.ceiling.basis} (${formatGflops(c.ceiling.milliGflops)}). The work cannot have been done by the claimed device.`,
    };
  }
  return null;
}

/**
 * The whole verdict over the openings: commitment checks, then per probed GEMM the row set, each opened row's
 * Merkle path to the committed root, row·r = (C·r)[i], the rows against A[i]·B and C·r against A(B·r) from the
 * seed. Cheap checks first; the first failure is the verdict. Cost: O(n²) per probed GEMM (freivaldsCheck).
 */
export function verifyTimedOpenings(c: TimedCommitment, answers: readonly TimedAnswer[], options: { wasm?: boolean } = {}): TimedCheck {
  const head = checkTimedCommitment(c);
  if (!head.passed) return head;
  const failure = openingsShapeFailure(c, answers) ?? openingsContentFailure(c, answers, options.wasm ?? true);
  if (failure) return { passed: false, ...failure, throughputMilliGflops: head.throughputMilliGflops };
  return { passed: true, reason: null, message: `All ${c.probes.length} probed results check out: ${formatGflops(head.throughputMilliGflops)} measured by the coordinator.`, throughputMilliGflops: head.throughputMilliGflops };
}

function openingsShapeFailure(c: TimedCommitment, answers: readonly TimedAnswer[]): Failure | null {
  const byGemm = new Map(answers.map((a) => [a.gemm, a]));
  if (byGemm.size !== answers.length) return { reason: 'wrong-row-set', message: 'A matrix product was answered twice.' };
  for (const probe of c.probes) {
    const answer = byGemm.get(probe.gemm);
    if (!answer) return { reason: 'missing-answer', message: `Product ${probe.gemm} was probed but not answered.` };
    const opened = answer.response.rows.map((row) => row.index);
    if (opened.length !== probe.rows.length || opened.some((index, t) => index !== probe.rows[t])) {
      return { reason: 'wrong-row-set', message: `Product ${probe.gemm}: rows ${opened.join(', ')} were opened, but ${probe.rows.join(', ')} were asked for.` };
    }
    if (answer.response.cr.length !== c.n || answer.response.rows.some((row) => row.values.length !== c.n)) {
      return { reason: 'probe-shape', message: `Product ${probe.gemm}: C·r and every opened row must have ${c.n} entries.` };
    }
  }
  if (answers.length !== c.probes.length) return { reason: 'wrong-row-set', message: 'Products that were not probed were answered.' };
  return null;
}

function openingsContentFailure(c: TimedCommitment, answers: readonly TimedAnswer[], wasm: boolean): Failure | null {
  const byGemm = new Map(answers.map((a) => [a.gemm, a.response]));
  const decoded = c.probes.map((probe) => ({ probe, r: decodeRBits(probe.rBits, c.n), response: byGemm.get(probe.gemm)! }));
  for (const { probe, r, response } of decoded) {
    if (!r) return { reason: 'probe-shape', message: `Product ${probe.gemm}: the probe vector does not fit n = ${c.n}.` };
    for (const row of response.rows) {
      if (rootFromOpenedRow(row, c.n) !== c.roots[probe.gemm]) {
        return { reason: 'merkle-path-invalid', message: `Product ${probe.gemm}, row ${row.index} does not hash to the committed result: the opened row is not the one committed to.` };
      }
      let dot = 0;
      for (let j = 0; j < c.n; j++) dot += row.values[j]! * r[j]!;
      if (dot !== response.cr[row.index]) return { reason: 'row-cr-mismatch', message: `Product ${probe.gemm}, row ${row.index}: row·r is ${dot}, but C·r says ${response.cr[row.index]}.` };
    }
  }
  for (const { probe, r, response } of decoded) {
    const result = freivaldsCheck(c.seeds[probe.gemm]!, c.n, r!, response.cr, response.rows, { wasm });
    const bad = result.rowsMatch.findIndex((ok) => !ok);
    if (bad >= 0) return { reason: 'row-mismatch', message: `Product ${probe.gemm}, row ${response.rows[bad]!.index} is not A·B for this challenge's seed: the committed result is not the requested work.` };
    if (!result.crMatches) return { reason: 'freivalds-mismatch', message: `Product ${probe.gemm}: C·r differs from A(B·r) at row ${result.crMismatches.join(', ')}; the committed result is not A·B.` };
  }
  return null;
}

export function formatGflops(milliGflops: number): string {
  return `${(milliGflops / 1000).toFixed(milliGflops < 100_000 ? 1 : 0)} GFLOPS`;
}
