/**
 * The WebGPU report records which kernel variant and FP16 path ran; reports made before that field existed
 * still parse and verify, and the naive GEMM's name can never appear in a report.
 */
import { describe, expect, it } from 'vitest';
import { createLocalChallenge } from './challenge.js';
import { referenceGemm } from './inputs.js';
import { proveAndSign, type ProveInput } from './prove.js';
import { BenchReportSchema, KernelResultSchema, kernelResult, reportBody } from './report.js';
import { memorySigner, signReport } from './signing.js';
import { verifyReport } from './verify.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const signer = memorySigner(Uint8Array.from({ length: 32 }, (_, i) => i + 7));

async function report(extra: Partial<ProveInput>) {
  const challenge = createLocalChallenge(NOW, { devicePublicKey: await signer.publicKeyHex(), quick: true, n: 67, randomBytes: (length) => Uint8Array.from({ length }, (_, i) => i * 13 + 5) });
  const input: ProveInput = {
    challenge,
    app: { version: '0.1.0', kernelHash: 'cd'.repeat(32) },
    backend: 'webgpu',
    adapter: { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false },
    cuda: null,
    kernels: [kernelResult('sgemm', [1000, 1000, 1000, 1000, 1000, 1000, 1000], 2 * 67 ** 3)],
    sustainedSeconds: null,
    c: referenceGemm(challenge.seed, 67),
    createdAt: new Date(NOW.getTime() + 1000),
    ...extra,
  };
  return { report: await proveAndSign(input, signer), challenge };
}

describe('the report records the WGSL kernels that ran', () => {
  it('carries the SGEMM variant and the FP16 path, signed with the rest', async () => {
    const { report: r, challenge } = await report({ webgpuKernels: { sgemmVariant: 'nvidia-128x128-k16', hgemmPath: 'subgroup-matrix' } });
    expect(BenchReportSchema.parse(r).webgpuKernels).toEqual({ sgemmVariant: 'nvidia-128x128-k16', hgemmPath: 'subgroup-matrix' });
    expect(verifyReport(r, { challenge, seenNonces: new Set(), now: NOW }).kind).not.toBe('invalid');
    // The field is covered by the signature: changing it breaks the report.
    const edited = { ...r, webgpuKernels: { sgemmVariant: 'nvidia-128x128-k16', hgemmPath: 'tiled' as const } };
    expect(verifyReport(edited, { challenge, seenNonces: new Set(), now: NOW }).kind).toBe('invalid');
  });

  it('keeps reports made before the field existed parseable and verifiable', async () => {
    const { report: r, challenge } = await report({});
    expect('webgpuKernels' in r).toBe(false);
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    expect(verifyReport(r, { challenge, seenNonces: new Set(), now: NOW }).kind).not.toBe('invalid');
  });

  it('refuses a malformed variant', async () => {
    const { report: r } = await report({});
    const forged = await signReport({ ...reportBody(r), webgpuKernels: { sgemmVariant: 'Robert"); DROP', hgemmPath: null } } as never, signer).catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(Error);
  });

  it('has a name for the naive GEMM that no report accepts', () => {
    const naive = kernelResult('naive_gemm', [5, 5, 5, 5, 5, 5, 5], 1000);
    expect(naive.name).toBe('naive_gemm');
    expect(KernelResultSchema.safeParse(naive).success).toBe(false);
  });
});
