import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../protocol/bench/report.js';
import { kernelResult } from '../../../protocol/bench/report.js';
import { summarizeRun, type BenchVerdict } from './summary.js';

function report(patch: Partial<BenchReport> = {}): BenchReport {
  return {
    formatVersion: 1,
    formulaVersion: 1,
    challenge: { version: 1, nonce: 'a'.repeat(32), seed: '0123456789abcdef', issuer: 'local:x', issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:10:00.000Z', n: 256, quick: true },
    app: { version: '0.1.0', kernelHash: 'b'.repeat(64) },
    backend: 'webgpu',
    adapter: { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4090', isFallbackAdapter: false },
    cuda: null,
    detectedModel: 'rtx-4090',
    kernels: [kernelResult('sgemm', [100, 100, 100, 100, 100, 100, 100], 1000), kernelResult('triad', [100, 130, 90, 120, 80, 95, 106], 1000)],
    sustained: { seconds: 24, ratio1000: 820 },
    merkleRoot: 'c'.repeat(64),
    n: 256,
    probe: { cr: [], rows: [] },
    score: { composite: 1234, perKernel: {} },
    devicePublicKey: 'd'.repeat(64),
    createdAt: '2026-01-01T00:00:30.000Z',
    signature: 'e'.repeat(128),
    ...patch,
  };
}
const ok: BenchVerdict = { kind: 'score-valid', reasons: [] };

describe('run summary in plain words', () => {
  it('flags noisy kernels and throttling, and keeps the score of an eligible run', () => {
    const summary = summarizeRun({ report: report(), verification: ok, deviceName: 'NVIDIA GeForce RTX 4090', software: false, notes: [], specPeaks: { sgemm: 82_580_000 }, referenceValues: { sgemm: 12_740_000 }, wallMs: 41_000 });
    expect(summary.composite).toBe(1234);
    expect(summary.flags.map((f) => f.code)).toEqual(['noisy', 'throttled']);
    expect(summary.flags[1]!.message).toContain('Slowed down under heat');
    expect(summary.flags[1]!.message).toContain('82 %');
    expect(summary.kernels[0]).toMatchObject({ name: 'sgemm', specPeak: 82_580_000, referenceValue: 12_740_000 });
    expect(summary.kernels[1]!.specPeak).toBeNull();
  });

  it('says a software adapter cannot earn, without repeating the verifier reason', () => {
    const verdict: BenchVerdict = { kind: 'computed-correctly-unscored', reasons: [{ code: 'software-adapter', message: 'software', scope: 'scoring' }] };
    const summary = summarizeRun({ report: report({ sustained: null }), verification: verdict, deviceName: 'SwiftShader', software: true, notes: ['FP16 skipped.'], specPeaks: {}, referenceValues: {}, wallMs: 1 });
    expect(summary.flags.map((f) => f.code)).toEqual(['software', 'noisy', 'note']);
    expect(summary.flags[0]!.message).toMatch(/not a real GPU, can’t earn/);
  });

  it('a wrong result has no composite and says why', () => {
    const verdict: BenchVerdict = { kind: 'invalid', reasons: [{ code: 'freivalds-mismatch', message: 'C·r differs from A(B·r).', scope: 'computation' }] };
    const summary = summarizeRun({ report: report({ sustained: null }), verification: verdict, deviceName: 'x', software: false, notes: [], specPeaks: {}, referenceValues: {}, wallMs: 1 });
    expect(summary.composite).toBeNull();
    expect(summary.correctlyComputed).toBe(false);
    expect(summary.flags.find((f) => f.code === 'not-scored')!.message).toContain('A(B·r)');
  });

  it('an unknown GPU model is computed correctly but not scored, said once', () => {
    const message = '"NVIDIA GeForce RTX 9999" is not in the spec table, so its self-reported numbers cannot be checked against a known peak and are not scored.';
    const verdict: BenchVerdict = { kind: 'computed-correctly-unscored', reasons: [{ code: 'unknown-model', message, scope: 'scoring' }] };
    const summary = summarizeRun({ report: report({ sustained: null, detectedModel: null }), verification: verdict, deviceName: 'NVIDIA GeForce RTX 9999', software: false, notes: [], specPeaks: {}, referenceValues: {}, wallMs: 1 });
    expect(summary).toMatchObject({ correctlyComputed: true, scoreEligible: false });
    expect(summary.flags.filter((f) => f.message.includes('not in the spec table')).map((f) => f.code)).toEqual(['not-scored']);
  });
});
