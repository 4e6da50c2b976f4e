import { describe, expect, it } from 'vitest';
import { createLocalChallenge, LOCAL_CHALLENGE_TTL_MS } from '../../../protocol/bench/challenge.js';
import { verifyReport } from '../../../protocol/bench/verify.js';
import { generateSecretKey, memorySigner } from '../../../protocol/bench/signing.js';
import type { BenchProgress, BenchRunSummary } from '../../../protocol/bench/wgsl/api-schemas.js';
import { UserFacingError } from '../../../protocol/errors.js';
import { DawnWebGpuRunner } from '../adapters/dawn-webgpu.js';
import type { Logger } from '../ports.js';
import { BenchService, type BenchHistoryEntry, type BenchServiceOptions } from './bench-service.js';
import { verifyInChild } from '../adapters/verify-child.js';
import { protocolJudge } from './judge.js';

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function makeService(options: Partial<BenchServiceOptions> = {}) {
  const entries: BenchHistoryEntry[] = [];
  const service = new BenchService(
    {
      webgpu: new DawnWebGpuRunner(),
      cuda: null,
      signer: memorySigner(generateSecretKey()),
      history: { append: (entry) => entries.push(entry), list: () => entries.map((e) => e.summary).reverse() },
      judge: protocolJudge(verifyInChild),
      clock: { now: () => Date.now() },
      logger: silent,
    },
    { appVersion: '0.1.0-test', ...options },
  );
  const events: BenchProgress[] = [];
  service.onProgress((p) => events.push(p));
  return { service, entries, events };
}

describe('BenchService on Dawn (SwiftShader here)', () => {
  it('runs a quick benchmark into a signed report the verifier accepts as correctly computed but refuses to score', async () => {
    const { service, entries, events } = makeService();
    const first = service.runWithReport({ quick: true, backend: 'webgpu' });
    // One run at a time.
    await expect(service.runWithReport({ quick: true, backend: 'webgpu' })).rejects.toMatchObject({ code: 'bench-busy' });
    const { report, summary } = await first;

    const verdict = verifyReport(report, { challenge: report.challenge, seenNonces: new Set(), now: new Date() });
    expect(verdict.kind).toBe('computed-correctly-unscored');
    expect(verdict.reasons.map((r) => r.code)).toContain('software-adapter');

    expect(report.backend).toBe('webgpu');
    expect(report.adapter?.isFallbackAdapter).toBe(true);
    // The report says which WGSL kernels ran: SwiftShader's variant, and no FP16 GEMM (no shader-f16 there).
    expect(report.webgpuKernels).toEqual({ sgemmVariant: 'software-64x64-k8', hgemmPath: null });
    expect(report.kernels.map((k) => k.name)).toEqual(expect.arrayContaining(['fma', 'sgemm', 'triad', 'sgemm_sustained']));
    for (const kernel of report.kernels.filter((k) => k.name !== 'sgemm_sustained')) expect(kernel.trialsNs).toHaveLength(7);
    expect(report.sustained).not.toBeNull();

    expect(summary.correctlyComputed).toBe(true);
    expect(summary.scoreEligible).toBe(false);
    expect(summary.flags.map((f) => f.code)).toContain('software');
    expect(summary.kernels.every((k) => k.value > 0 && k.referenceValue !== null)).toBe(true);
    expect(entries).toHaveLength(1);
    expect(await service.history()).toEqual([summary]);

    const stages = events.map((e) => e.stage);
    expect(stages[0]).toBe('preparing');
    expect(stages.at(-1)).toBe('done');
    expect(new Set(events.map((e) => e.kernel))).toEqual(new Set([null, 'fma', 'sgemm', 'triad', 'sgemm_sustained']));
    const perMille = events.map((e) => e.perMille);
    expect(perMille).toEqual([...perMille].sort((a, b) => a - b));
  }, 120_000);

  it('catches a run whose C has one wrong element (flipped after readback, before the tree)', async () => {
    let flipped = -1;
    const { service } = makeService({
      testHooks: {
        afterReadback: (c, n) => {
          flipped = Math.floor(n * n * 0.37);
          c[flipped] = c[flipped]! + 1;
        },
      },
    });
    const { report, summary } = await service.runWithReport({ quick: true, backend: 'webgpu' });
    expect(flipped).toBeGreaterThanOrEqual(0);
    const verdict = verifyReport(report, { challenge: report.challenge, seenNonces: new Set(), now: new Date() });
    expect(verdict.kind).toBe('invalid');
    expect(verdict.reasons.map((r) => r.code)).toContain('freivalds-mismatch');
    expect(summary.correctlyComputed).toBe(false);
    expect(summary.composite).toBeNull();
    expect(summary.flags.find((f) => f.code === 'not-scored')?.message).toMatch(/A·B/);
  }, 120_000);

  it('says plainly when the CUDA benchmark is not installed, and reports the failure as progress', async () => {
    const { service, events } = makeService();
    const failure = await service.run({ quick: true, backend: 'cuda' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserFacingError);
    expect((failure as UserFacingError).code).toBe('bench-no-cuda');
    const last = events.at(-1)!;
    expect(last.stage).toBe('failed');
    expect(last.running).toBe(false);
    expect(last.error?.nextStep).toBeTruthy();
    expect(service.isRunning()).toBe(false);
  });

  it('refuses to run for a local challenge past its lifetime, whatever window it claims', async () => {
    const { service } = makeService();
    const issued = new Date(Date.now() - LOCAL_CHALLENGE_TTL_MS - 1000);
    const stale = { ...createLocalChallenge(issued, { devicePublicKey: 'ab'.repeat(32), quick: true, n: 64 }), expiresAt: '2099-01-01T00:00:00.000Z' };
    await expect(service.run({ quick: true, backend: 'webgpu', challenge: stale })).rejects.toMatchObject({ code: 'bench-challenge-expired' });
  });

  it('keeps history entries as summaries', async () => {
    const { service } = makeService();
    const none: BenchRunSummary[] = await service.history();
    expect(none).toEqual([]);
  });
});
