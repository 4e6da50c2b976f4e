/**
 * The client's last step: commit to C (Merkle root), answer the probe derived from that root, compute the
 * score, and sign. The runner (WebGPU or CUDA) hands over C and the measured kernels; everything that the
 * verifier recomputes is computed here by the same code.
 */
import type { Challenge } from './challenge.js';
import { buildMerkleTree, merkleRoot } from './merkle.js';
import { answerProbe, deriveProbe } from './probe.js';
import { REPORT_FORMAT_VERSION, reportDeviceName, sustainedRatio1000, type BenchReport, type BenchReportBody, type CudaDeviceReport, type KernelResult, type WebGpuAdapterReport, type WebGpuKernelsReport } from './report.js';
import { FORMULA_VERSION, scoreForReport } from './score.js';
import type { ReportSigner } from './signing.js';
import { signReport } from './signing.js';
import { matchSpec } from './spec-table.js';

export interface ProveInput {
  challenge: Challenge;
  app: { version: string; kernelHash: string };
  backend: 'webgpu' | 'cuda';
  adapter: WebGpuAdapterReport | null;
  cuda: CudaDeviceReport | null;
  /** WebGPU runs: the SGEMM variant and FP16 path that ran (recorded in the report). */
  webgpuKernels?: WebGpuKernelsReport;
  kernels: KernelResult[];
  /** Length of the sustained SGEMM phase in whole seconds, when it ran. */
  sustainedSeconds: number | null;
  /** C = A·B for the challenge seed, n×n row-major (n = challenge.n). */
  c: Float32Array;
  createdAt: Date;
}

/** Builds the unsigned body (root, probe answer, detected model, sustained ratio, score). */
export function buildReportBody(input: ProveInput, devicePublicKey: string): BenchReportBody {
  const n = input.challenge.n;
  if (input.c.length !== n * n) throw new Error(`C has ${input.c.length} values; the challenge asks for n = ${n} (${n * n} values)`);
  const tree = buildMerkleTree(input.c, n);
  const root = merkleRoot(tree);
  const probe = answerProbe(input.c, n, tree, deriveProbe(input.challenge, root, n));
  const partial = { backend: input.backend, adapter: input.adapter, cuda: input.cuda, kernels: input.kernels };
  const spec = matchSpec({ name: reportDeviceName(partial), memoryBytes: input.cuda?.memoryBytes ?? null });
  const ratio = sustainedRatio1000(input.kernels);
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    formulaVersion: FORMULA_VERSION,
    challenge: input.challenge,
    app: input.app,
    backend: input.backend,
    adapter: input.adapter,
    cuda: input.cuda,
    ...(input.webgpuKernels ? { webgpuKernels: input.webgpuKernels } : {}),
    detectedModel: spec?.id ?? null,
    kernels: input.kernels,
    sustained: ratio === null ? null : { seconds: Math.max(0, Math.round(input.sustainedSeconds ?? 0)), ratio1000: ratio },
    merkleRoot: root,
    n,
    probe,
    score: scoreForReport(partial),
    devicePublicKey,
    createdAt: new Date(Math.floor(input.createdAt.getTime() / 1000) * 1000).toISOString(),
  };
}

export async function proveAndSign(input: ProveInput, signer: ReportSigner): Promise<BenchReport> {
  return signReport(buildReportBody(input, await signer.publicKeyHex()), signer);
}
