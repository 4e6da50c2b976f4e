import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../network.js';
import { referenceGemm } from './inputs.js';
import { buildMerkleTree, merklePath, merkleRoot, type MerkleTree } from './merkle.js';
import { GPU_SPECS, specById } from './spec-table.js';
import { CpuTimedProvider, seededRandom } from './test-support/timed-provider.js';
import { PLAUSIBILITY_FACTOR } from './verify.js';
import {
  chooseProbes,
  decodeRBits,
  encodeRBits,
  fitsOneFrame,
  gemmFlopsTotal,
  openingsFrameBytes,
  planTimedChallenge,
  recomputeProbeAnswer,
  SOFTWARE_CEILING_MILLI_GFLOPS,
  specPeakMilliGflops,
  throughputCeiling,
  TIMED_MAX_GEMMS,
  TIMED_MAX_N,
  TIMED_MIN_GEMMS,
  TIMED_PROBE_ROWS,
  timedElapsedMs,
  timedThroughputMilliGflops,
  verifyTimedOpenings,
  type TimedCommitment,
  type TimedProbe,
} from './timed.js';

const rtx3060 = specById('rtx-3060')!;

describe('rBits', () => {
  it('round-trips every ±1 vector, LSB first', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (bits) => {
        const r = Int8Array.from(bits.map((b) => (b ? 1 : -1)));
        expect(decodeRBits(encodeRBits(r), r.length)).toEqual(r);
      }),
    );
    expect(encodeRBits(Int8Array.from([1, -1, -1, -1, -1, -1, -1, -1, -1, 1]))).toBe('0102');
  });

  it('refuses a wrong length and set bits past n (one canonical encoding)', () => {
    expect(decodeRBits('01', 9)).toBeNull();
    expect(decodeRBits('0102', 9)).toBeNull(); // bit 9 set, n = 9
    expect(decodeRBits('0101', 9)).not.toBeNull();
    expect(decodeRBits('zz', 8)).toBeNull();
  });
});

describe('planTimedChallenge', () => {
  it('sizes the work to the target when the caps allow it, with n a multiple of 128 and K within bounds', () => {
    // A 50 GFLOPS part (an integrated GPU): 25 GFLOPS assumed × 6 s = 150 GFLOP.
    const plan = planTimedChallenge({ claimedPeakMilliGflops: 50_000, software: false, targetMs: 6000, random: seededRandom(1) });
    expect(plan.n % 128).toBe(0);
    expect(plan.n).toBeLessThanOrEqual(TIMED_MAX_N);
    expect(plan.seeds.length).toBeGreaterThanOrEqual(TIMED_MIN_GEMMS);
    expect(plan.seeds.length).toBeLessThanOrEqual(TIMED_MAX_GEMMS);
    expect(plan.expectedMs).toBeGreaterThan(4500);
    expect(plan.expectedMs).toBeLessThan(7500);
    expect(new Set(plan.seeds).size).toBe(plan.seeds.length);
    for (const seed of plan.seeds) expect(seed).toMatch(/^[0-9a-f]{16}$/);
  });

  it('sizes 5–10 s of work for an RTX 3060, an RTX 4090 and the H100s at n = 4096 with K ≤ 1024 (at the assumed efficiency)', () => {
    const expected: [string, number, number][] = [
      ['rtx-3060', 167, 6006], // 12.74 TFLOPS × 30 % = 3.8 TFLOPS: 167 GEMMs of 137 GFLOP
      ['rtx-4090', 1024, 5680], // 24.8 TFLOPS assumed: the K cap (140.7 TFLOP) lands within the window
      ['h100-sxm', 877, 5997],
      ['h100-pcie', 668, 6001],
    ];
    for (const [id, gemms, ms] of expected) {
      const plan = planTimedChallenge({ claimedPeakMilliGflops: specPeakMilliGflops(specById(id)!), software: false, targetMs: 6000, random: seededRandom(1) });
      expect([id, plan.n, plan.seeds.length]).toEqual([id, 4096, gemms]);
      expect(plan.expectedMs).toBeGreaterThanOrEqual(5000);
      expect(plan.expectedMs).toBeLessThanOrEqual(10_000);
      expect(plan.expectedMs).toBe(ms);
    }
  });

  it('caps a fast card at n and K (it finishes early, never the other way), and keeps software runs small', () => {
    const fast = planTimedChallenge({ claimedPeakMilliGflops: specPeakMilliGflops(specById('rtx-5090')!), software: false, targetMs: 6000, random: seededRandom(2) });
    expect(fast.n).toBe(TIMED_MAX_N);
    expect(fast.seeds).toHaveLength(TIMED_MAX_GEMMS);
    expect(fast.expectedMs).toBeLessThanOrEqual(6000);
    expect(fast.expectedMs).toBeGreaterThan(4000); // the documented limit: ~4.5 s, the wire's K cap
    const capped = planTimedChallenge({ claimedPeakMilliGflops: specPeakMilliGflops(rtx3060), software: false, targetMs: 6000, random: seededRandom(2), maxGemms: 16 });
    expect([capped.n, capped.seeds.length]).toEqual([4096, 16]);
    const soft = planTimedChallenge({ claimedPeakMilliGflops: null, software: true, targetMs: 1500, random: seededRandom(3), maxN: 1024 });
    expect(soft.n).toBeLessThanOrEqual(1024);
    expect(soft.expectedMs).toBeGreaterThan(1000);
    expect(soft.expectedMs).toBeLessThan(2000);
    expect(soft.seeds.length).toBeGreaterThanOrEqual(TIMED_MIN_GEMMS);
  });

  it('never leaves [128, maxN] × [4, 1024] whatever the inputs', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 500_000_000 })), fc.boolean(), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 5000 }), (peak, software, targetMs, maxN) => {
        const plan = planTimedChallenge({ claimedPeakMilliGflops: peak, software, targetMs, random: seededRandom(targetMs), maxN });
        expect(plan.n % 128).toBe(0);
        expect(plan.n).toBeGreaterThanOrEqual(128);
        expect(plan.n).toBeLessThanOrEqual(Math.max(128, Math.min(maxN, TIMED_MAX_N)));
        expect(plan.seeds.length).toBeGreaterThanOrEqual(TIMED_MIN_GEMMS);
        expect(plan.seeds.length).toBeLessThanOrEqual(TIMED_MAX_GEMMS);
      }),
      { numRuns: 200 },
    );
  });
});

describe('chooseProbes', () => {
  it('spreads the rows over as many GEMMs as it can: one row each while K allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: TIMED_MAX_GEMMS }), fc.constantFrom(128, 256, 1024, 2048, 4096), fc.integer(), (gemms, n, seed) => {
        const probes = chooseProbes(gemms, n, seededRandom(seed));
        const rows = probes.reduce((sum, p) => sum + p.rows.length, 0);
        expect(rows).toBe(Math.min(TIMED_PROBE_ROWS, gemms * 16));
        expect(probes).toHaveLength(Math.min(gemms, TIMED_PROBE_ROWS));
        expect(new Set(probes.map((p) => p.gemm)).size).toBe(probes.length);
        const counts = probes.map((p) => p.rows.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        for (const p of probes) {
          expect(p.gemm).toBeLessThan(gemms);
          expect(new Set(p.rows).size).toBe(p.rows.length);
          for (const row of p.rows) expect(row).toBeLessThan(n);
          expect(decodeRBits(p.rBits, n)).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a provider that computed 90 % of the rows passes about 0.9^12 of the time; one that skipped a quarter of the GEMMs almost never', () => {
    const random = seededRandom(7);
    const gemms = 16;
    const n = 256;
    let rowCheatPasses = 0;
    let gemmCheatPasses = 0;
    const trials = 3000;
    for (let t = 0; t < trials; t++) {
      const probes = chooseProbes(gemms, n, random);
      // Computed rows: the first 90 % of each C. Computed GEMMs: 12 of 16.
      if (probes.every((p) => p.rows.every((row) => row < 0.9 * n))) rowCheatPasses++;
      if (probes.every((p) => p.gemm < 12)) gemmCheatPasses++;
    }
    const expected = 0.9 ** TIMED_PROBE_ROWS; // ≈ 0.28
    expect(rowCheatPasses / trials).toBeGreaterThan(expected - 0.05);
    expect(rowCheatPasses / trials).toBeLessThan(expected + 0.05);
    expect(gemmCheatPasses / trials).toBeLessThan(0.005); // C(12,12)/C(16,12) = 1/1820
  });

  it('the openings of the largest plan fit one WebSocket frame, whatever K (one row per GEMM is the largest)', () => {
    for (const gemms of [4, 5, 12, TIMED_MAX_GEMMS]) expect(fitsOneFrame(TIMED_MAX_N, chooseProbes(gemms, TIMED_MAX_N, seededRandom(9)))).toBe(true);
    expect(openingsFrameBytes(TIMED_MAX_N, chooseProbes(TIMED_MAX_GEMMS, TIMED_MAX_N, seededRandom(9)))).toBeGreaterThan(MAX_FRAME_BYTES * 0.9);
    expect(MAX_FRAME_BYTES).toBe(1024 * 1024);
  });
});

describe('throughput and its ceiling', () => {
  it('credits K·2n³ ÷ (roots − sent − rtt) in integer milli-GFLOPS', () => {
    // 4 × 2 × 1024³ = 8 589 934 592 FLOPs in 1000 ms = 8.589934592 GFLOPS.
    expect(timedThroughputMilliGflops({ n: 1024, gemms: 4, sentAtMs: 0, rootsAtMs: 1050, rttMs: 50 })).toBe(8589);
    expect(gemmFlopsTotal(2048, 64)).toBe(64n * 2n * 2048n ** 3n);
  });

  it('caps the rtt it subtracts at 10 % of the raw time and never divides by less than 1 ms', () => {
    expect(timedElapsedMs({ sentAtMs: 0, rootsAtMs: 1000, rttMs: 900 })).toBe(900); // a pong delayed on purpose gains ≤ 10 %
    expect(timedElapsedMs({ sentAtMs: 0, rootsAtMs: 0, rttMs: 0 })).toBe(1);
    expect(timedElapsedMs({ sentAtMs: 10, rootsAtMs: 5, rttMs: 3 })).toBe(1);
  });

  it('bounds by the claimed card, by the fastest known card for a made-up name, by a CPU for software', () => {
    expect(throughputCeiling({ name: 'NVIDIA GeForce RTX 3060', memoryBytes: 12 * 1024 ** 3, software: false }).milliGflops).toBe(Math.round(specPeakMilliGflops(rtx3060) * PLAUSIBILITY_FACTOR));
    const fastest = Math.max(...GPU_SPECS.map((s) => s.fp32Tflops));
    expect(throughputCeiling({ name: 'NVIDIA GeForce RTX 9999 Hyper', software: false }).milliGflops).toBe(Math.round(fastest * 1_000_000 * PLAUSIBILITY_FACTOR));
    expect(throughputCeiling({ name: 'SwiftShader', software: true }).milliGflops).toBe(SOFTWARE_CEILING_MILLI_GFLOPS);
  });
});

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('recomputeProbeAnswer (the provider keeps only leaves)', () => {
  it('gives exactly the reference GEMM\'s rows and C·r, from the seed alone', () => {
    for (const n of [67, 128]) {
      const seed = '0123456789abcdef';
      const c = referenceGemm(seed, n);
      const r = Int8Array.from({ length: n }, (_, j) => ((j * 7) % 3 === 0 ? 1 : -1));
      const rows = [0, n - 1, 17];
      const { cr, values } = recomputeProbeAnswer(seed, n, r, rows);
      expect(values).toEqual(rows.map((i) => Array.from(c.subarray(i * n, (i + 1) * n))));
      expect(cr).toEqual(Array.from({ length: n }, (_, i) => c.subarray(i * n, (i + 1) * n).reduce((sum, v, j) => sum + v * r[j]!, 0)));
      expect(recomputeProbeAnswer(seed, n, r, rows, { wasm: false })).toEqual({ cr, values });
    }
    expect(() => recomputeProbeAnswer('0123456789abcdef', 8, new Int8Array(8), [8])).toThrow();
  });

  it('answers built from leaves and the seed pass the coordinator\'s checks; a tree over zeroed rows does not', () => {
    const n = 128;
    const seeds = ['0123456789abcdef', 'fedcba9876543210', '00000000000000ff', 'a5a5a5a5a5a5a5a5'];
    const answerWith = (trees: MerkleTree[], probes: readonly TimedProbe[]) =>
      probes.map((p) => {
        const { cr, values } = recomputeProbeAnswer(seeds[p.gemm]!, n, decodeRBits(p.rBits, n)!, p.rows);
        return { gemm: p.gemm, response: { cr, rows: p.rows.map((index, t) => ({ index, values: values[t]!, path: merklePath(trees[p.gemm]!, index) })) } };
      });
    const commitmentOf = (trees: MerkleTree[]): TimedCommitment => ({
      n,
      gemms: seeds.length,
      seeds,
      roots: trees.map(merkleRoot),
      probes: chooseProbes(seeds.length, n, seededRandom(4)),
      sentAtMs: 0,
      rootsAtMs: 2000,
      rttMs: 0,
      deadlineMs: 60_000,
      ceiling: throughputCeiling({ name: 'SwiftShader', software: true }),
    });
    const honest = seeds.map((seed) => buildMerkleTree(referenceGemm(seed, n), n));
    const c1 = commitmentOf(honest);
    expect(verifyTimedOpenings(c1, answerWith(honest, c1.probes))).toMatchObject({ passed: true });
    const zeroed = seeds.map((seed) => buildMerkleTree(referenceGemm(seed, n).fill(0, (n / 4) * n), n)); // only a quarter computed
    const c2 = commitmentOf(zeroed);
    expect(verifyTimedOpenings(c2, answerWith(zeroed, c2.probes)).reason).toBe('merkle-path-invalid');
  });
});

describe('verifyTimedOpenings (CPU provider, n = 128)', () => {
  const n = 128;
  const seeds = ['0123456789abcdef', 'fedcba9876543210', '00000000000000ff', 'a5a5a5a5a5a5a5a5', '1111111111111111', '2222222222222222'];

  function commitment(roots: string[], random = seededRandom(11)): TimedCommitment {
    return {
      n,
      gemms: seeds.length,
      seeds,
      roots,
      probes: chooseProbes(seeds.length, n, random),
      sentAtMs: 1000,
      rootsAtMs: 3000,
      rttMs: 20,
      deadlineMs: 60_000,
      ceiling: throughputCeiling({ name: 'SwiftShader', software: true }),
    };
  }

  it('passes an honest provider and reports the measured rate', () => {
    const provider = new CpuTimedProvider();
    const c = commitment(provider.commit(n, seeds));
    const result = verifyTimedOpenings(c, provider.open(c.probes));
    expect(result).toMatchObject({ passed: true, reason: null });
    expect(result.throughputMilliGflops).toBe(timedThroughputMilliGflops(c));
  });

  it('names what is wrong: forged roots, another challenge\'s roots, partial work, tampered answers', () => {
    const honest = new CpuTimedProvider();
    const roots = honest.commit(n, seeds);
    const forged = commitment(seeds.map(() => bytesToHex(seededRandom(3)(32))));
    expect(verifyTimedOpenings(forged, honest.open(forged.probes)).reason).toBe('merkle-path-invalid');

    const other = new CpuTimedProvider();
    const otherSeeds = seeds.map((s) => s.split('').reverse().join(''));
    const reused = { ...commitment(other.commit(n, otherSeeds)) };
    expect(verifyTimedOpenings(reused, other.open(reused.probes)).reason).toBe('row-mismatch');

    for (const cheat of ['zero-half-gemms', 'zero-half-rows'] as const) {
      const cheater = new CpuTimedProvider(cheat);
      const c = commitment(cheater.commit(n, seeds));
      expect(['row-mismatch', 'freivalds-mismatch']).toContain(verifyTimedOpenings(c, cheater.open(c.probes)).reason);
    }

    const c = commitment(roots);
    const answers = honest.open(c.probes);
    expect(verifyTimedOpenings(c, answers.slice(1)).reason).toBe('missing-answer');
    const wrongRows = answers.map((a) => ({ ...a, response: { ...a.response, rows: a.response.rows.map((r) => ({ ...r, index: (r.index + 1) % n })) } }));
    expect(verifyTimedOpenings(c, wrongRows).reason).toBe('wrong-row-set');
    const badCr = clone(answers);
    badCr[0]!.response.cr[badCr[0]!.response.rows[0]!.index]! += 1;
    expect(verifyTimedOpenings(c, badCr).reason).toBe('row-cr-mismatch');
    const badCrElsewhere = clone(answers);
    const untouched = [...Array(n).keys()].find((i) => !badCrElsewhere[0]!.response.rows.some((r) => r.index === i))!;
    badCrElsewhere[0]!.response.cr[untouched]! += 2;
    expect(verifyTimedOpenings(c, badCrElsewhere).reason).toBe('freivalds-mismatch');
  });

  it('fails a wrong number of roots, late roots and an impossible time before looking at any opening', () => {
    const provider = new CpuTimedProvider();
    const roots = provider.commit(n, seeds);
    expect(verifyTimedOpenings(commitment(roots.slice(1)), []).reason).toBe('roots-count');
    expect(verifyTimedOpenings({ ...commitment(roots), rootsAtMs: 61_000 }, []).reason).toBe('deadline');
    const claimed3060 = throughputCeiling({ name: 'GeForce RTX 3060', memoryBytes: 12 * 1024 ** 3, software: false });
    // 64 GEMMs of 2048³ (1.1 TFLOP) in 2 ms would be 550 000 GFLOPS: not an RTX 3060.
    const huge = { ...commitment(roots), n: 2048, gemms: 64, seeds: Array(64).fill(seeds[0]), roots: Array(64).fill(roots[0]), rootsAtMs: 1002, ceiling: claimed3060 };
    expect(verifyTimedOpenings(huge, []).reason).toBe('too-fast');
  });
});
