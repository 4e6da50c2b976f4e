import { bytesToHex } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { createLocalChallenge, LOCAL_CHALLENGE_TTL_MS, type Challenge } from './challenge.js';
import { referenceGemm } from './inputs.js';
import { buildMerkleTree } from './merkle.js';
import { answerProbe, deriveProbe } from './probe.js';
import { proveAndSign, type ProveInput } from './prove.js';
import { kernelResult, reportBody, type BenchReport, type KernelName, type KernelResult, type WebGpuAdapterReport } from './report.js';
import { computeScore } from './score.js';
import { memorySigner, signReport, type ReportSigner } from './signing.js';
import { DEFAULT_CLOCK_SKEW_MS, isCurrent, peakMilli, verifyReport, verifyReportText, type VerifyOptions } from './verify.js';
import { COMPUTE_PLAUSIBILITY_MARGIN, GPU_SPECS, matchSpecVariants, MEMORY_PLAUSIBILITY_MARGIN, plausibilityPeaks } from './spec-table.js';

const N = 32;
const NOW = new Date('2026-11-26T12:00:00Z');
const LATER = new Date(NOW.getTime() + 60_000);
const signer = memorySigner(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const otherSigner = memorySigner(Uint8Array.from({ length: 32 }, (_, i) => 200 - i));
const RTX_3060: WebGpuAdapterReport = { vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060', isFallbackAdapter: false };
const SWIFTSHADER: WebGpuAdapterReport = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true };

/** Plausible RTX 3060 numbers: ~9.5 TFLOPS FMA, ~6.9 TFLOPS SGEMM, ~320 GB/s triad. */
function kernels() {
  const trials = (base: number) => [0, 3, -2, 5, 1, -4, 40].map((d) => base + d * 1000);
  return [
    kernelResult('fma', trials(105_000_000), 1_000_000_000_000),
    kernelResult('sgemm', trials(20_000_000), 137_438_953_472),
    kernelResult('hgemm', trials(12_000_000), 137_438_953_472),
    kernelResult('triad', trials(2_500_000), 805_306_368),
    kernelResult('sgemm_sustained', [21_000_000, 21_100_000, 21_200_000, 21_050_000, 21_000_000, 20_900_000, 21_000_000], 137_438_953_472),
  ];
}

async function makeReport(challenge: Challenge, adapter = RTX_3060, c = referenceGemm(challenge.seed, challenge.n), by: ReportSigner = signer): Promise<BenchReport> {
  const input: ProveInput = {
    challenge,
    app: { version: '0.1.0', kernelHash: 'ab'.repeat(32) },
    backend: 'webgpu',
    adapter,
    cuda: null,
    kernels: kernels(),
    sustainedSeconds: 20,
    c,
    createdAt: new Date(NOW.getTime() + 30_000),
  };
  return proveAndSign(input, by);
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const seeded = (salt: number) => (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + salt * 7 + 3) & 0xff);
let pubkey: string;
let challenge: Challenge;
let good: BenchReport;
const opts = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ challenge, seenNonces: new Set<string>(), now: LATER, ...extra });
const codes = (result: { reasons: { code: string }[] }) => result.reasons.map((r) => r.code);

beforeAll(async () => {
  pubkey = await signer.publicKeyHex();
  challenge = createLocalChallenge(NOW, { devicePublicKey: pubkey, quick: true, n: N, randomBytes: seeded(1) });
  good = await makeReport(challenge);
});

describe('verifyReport: an honest report', () => {
  it('is correctly computed, valid and eligible for scoring, with its model and efficiency', () => {
    const result = verifyReport(good, opts());
    expect(result.reasons.filter((r) => r.scope !== 'flag')).toEqual([]);
    expect(result.kind).toBe('score-valid');
    // WebGPU gives no memory size: the lower of the 8 GB and 12 GB RTX 3060 rows.
    expect(result.spec?.id).toBe('rtx-3060-8gb');
    expect(good.detectedModel).toBe('rtx-3060-8gb');
    const fma = result.kernels.find((k) => k.name === 'fma')!;
    expect(fma.efficiency1000).toBeGreaterThan(700);
    expect(fma.efficiency1000).toBeLessThan(760);
  });

  it('gives the same verdict on the pure-JS Philox path (hosts that refuse WebAssembly)', async () => {
    expect(verifyReport(good, opts({ wasm: false }))).toEqual(verifyReport(good, opts()));
    const c = referenceGemm(challenge.seed, N);
    c[100] = c[100]! + 2;
    const bad = await makeReport(challenge, RTX_3060, c);
    expect(codes(verifyReport(bad, opts({ wasm: false })))).toContain('freivalds-mismatch');
  });

  it('also verifies from JSON text; without being handed its (local) challenge it is computed correctly but not a score', () => {
    expect(verifyReportText(JSON.stringify(good), opts()).kind).toBe('score-valid');
    const unchecked = verifyReport(good, { seenNonces: new Set(), now: LATER });
    expect(unchecked.kind).toBe('computed-correctly-unscored');
    expect(isCurrent(unchecked)).toBe(true);
  });
});

describe('verifyReport: software adapters', () => {
  it('accepts a SwiftShader run as correctly computed and refuses it for scoring, saying why', async () => {
    const report = await makeReport(challenge, SWIFTSHADER);
    const result = verifyReport(report, opts());
    expect(result.kind).not.toBe('invalid');
    expect(isCurrent(result)).toBe(true);
    expect(result.kind).not.toBe('score-valid');
    const reason = result.reasons.find((r) => r.code === 'software-adapter');
    expect(reason?.scope).toBe('scoring');
    expect(reason?.message).toMatch(/software/);
  });

  it.each(['llvmpipe (LLVM 15.0.6, 256 bits)', 'lavapipe', 'Microsoft Basic Render Driver'])('refuses "%s" for scoring even when not marked fallback', async (description) => {
    const report = await makeReport(challenge, { ...RTX_3060, description, isFallbackAdapter: false });
    expect(codes(verifyReport(report, opts()))).toContain('software-adapter');
  });
});

describe('verifyReport: wrong results', () => {
  it('catches a C with one wrong element (Freivalds), wherever the element is', async () => {
    for (const e of [0, 5 * N + 17, N * N - 1]) {
      const c = referenceGemm(challenge.seed, N);
      c[e] = c[e]! - 1;
      const result = verifyReport(await makeReport(challenge, RTX_3060, c), opts());
      expect(result.kind).toBe('invalid');
      expect(codes(result)).toContain('freivalds-mismatch');
      expect(result.reasons.find((r) => r.code === 'freivalds-mismatch')!.message).toContain(String(Math.floor(e / N)));
    }
  });

  it('catches a forger who answers C·r from A(B·r) but commits a wrong C (opened rows are checked against A·B)', async () => {
    const wrong = new Float32Array(N * N); // commit zeros, then patch the probe answer with the true C·r
    const report = await makeReport(challenge, RTX_3060, wrong);
    const truth = referenceGemm(challenge.seed, N);
    const cr = answerProbe(truth, N, buildMerkleTree(truth, N), deriveProbe(challenge, report.merkleRoot, N)).cr;
    const body = { ...reportBody(report), probe: { ...report.probe, cr } };
    const result = verifyReport(await signReport(body, signer), opts());
    expect(codes(result)).toEqual(expect.arrayContaining(['row-cr-mismatch', 'row-mismatch']));
    expect(codes(result)).not.toContain('freivalds-mismatch');
  });
});

describe('verifyReport: replay and binding', () => {
  it('refuses a replayed nonce', () => {
    const result = verifyReport(good, opts({ seenNonces: new Set([challenge.nonce]) }));
    expect(result.kind).not.toBe('invalid');
    expect(isCurrent(result)).toBe(false);
    expect(codes(result)).toContain('replayed-nonce');
  });

  it('refuses a report replayed against another challenge', () => {
    const other = createLocalChallenge(NOW, { devicePublicKey: pubkey, quick: true, n: N, randomBytes: seeded(2) });
    const result = verifyReport(good, opts({ challenge: other }));
    expect(isCurrent(result)).toBe(false);
    expect(codes(result)).toEqual(expect.arrayContaining(['challenge-mismatch', 'freivalds-mismatch']));
  });

  it('refuses an expired challenge and a report from the future', () => {
    expect(codes(verifyReport(good, opts({ now: new Date(NOW.getTime() + 3_600_000) })))).toContain('challenge-expired');
    expect(codes(verifyReport(good, opts({ now: new Date(NOW.getTime() - 3_600_000) })))).toContain('challenge-not-yet-valid');
  });

  it('refuses a local challenge issued to another key', async () => {
    const stolen = await signReport({ ...reportBody(good), devicePublicKey: await otherSigner.publicKeyHex() }, otherSigner);
    expect(codes(verifyReport(stolen, opts()))).toContain('issuer-mismatch');
  });

  it('flags an unverifiable coordinator challenge when none is given', async () => {
    const remote = { ...challenge, issuer: 'coordinator.example' };
    const report = await makeReport(remote);
    expect(codes(verifyReport(report, { seenNonces: new Set(), now: LATER }))).toContain('challenge-not-checked');
    expect(verifyReport(report, opts({ challenge: remote })).kind).toBe('score-valid');
  });

  it('refuses a kernel build the verifier does not know, when it keeps a list', () => {
    expect(codes(verifyReport(good, opts({ kernelHashes: ['cd'.repeat(32)] })))).toContain('unknown-kernel-build');
    expect(verifyReport(good, opts({ kernelHashes: ['ab'.repeat(32)] })).kind).toBe('score-valid');
  });
});

/** Every leaf of a JSON value, with long arrays sampled at first/middle/last. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    const picks = value.length <= 8 ? value.map((_, i) => i) : [0, value.length >> 1, value.length - 1];
    return picks.flatMap((i) => leafPaths(value[i], [...path, i]));
  }
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [path];
}

function tamper(report: BenchReport, path: (string | number)[]): BenchReport {
  const copy = JSON.parse(JSON.stringify(report)) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const value = node[last];
  if (typeof value === 'number') node[last] = value + 1;
  else if (typeof value === 'boolean') node[last] = !value;
  else if (typeof value === 'string') node[last] = value.length ? (value[0] === 'a' ? 'b' : 'a') + value.slice(1) : 'x';
  else if (value === null) node[last] = 0;
  return copy as unknown as BenchReport;
}

describe('verifyReport: tampering', () => {
  it('every single-field change of a signed report fails with a specific reason', () => {
    const paths = leafPaths(good);
    expect(paths.length).toBeGreaterThan(60);
    for (const path of paths) {
      const result = verifyReport(tamper(good, path), opts());
      expect(isCurrent(result), path.join('.')).toBe(false);
      expect(result.kind, path.join('.')).toBe('invalid');
      expect(codes(result).some((c) => c === 'bad-signature' || c === 'malformed'), path.join('.')).toBe(true);
    }
  });

  it('every single-byte change of the canonical report text fails', () => {
    const text = canonicalJson(good);
    const replacements = '0a"{';
    let checked = 0;
    for (let at = 0; at < text.length; at += 7) {
      const replacement = replacements[at % replacements.length] === text[at] ? '1' : replacements[at % replacements.length]!;
      const changed = text.slice(0, at) + replacement + text.slice(at + 1);
      const result = verifyReportText(changed, opts());
      expect(result.kind, `byte ${at}`).toBe('invalid');
      expect(result.reasons[0]?.code, `byte ${at}`).toMatch(/^(unreadable|malformed|bad-signature)$/);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  // The key holder re-signs a changed body: the semantic checks must still name the change.
  const resigned: [string, (b: ReturnType<typeof reportBody>) => void, string][] = [
    ['merkleRoot', (b) => (b.merkleRoot = 'f'.repeat(64)), 'merkle-path-invalid'],
    ['probe.cr[i]', (b) => (b.probe.cr[7]! += 1), 'freivalds-mismatch'],
    ['probe.rows[0].values[j]', (b) => (b.probe.rows[0]!.values[3]! += 1), 'merkle-path-invalid'],
    ['probe.rows[0].index', (b) => (b.probe.rows[0]!.index = (b.probe.rows[0]!.index + 1) % N), 'probe-rows-mismatch'],
    ['probe.rows[1].path[0]', (b) => (b.probe.rows[1]!.path[0] = '0'.repeat(64)), 'merkle-path-invalid'],
    ['probe.rows dropped', (b) => b.probe.rows.pop(), 'probe-rows-mismatch'],
    ['n', (b) => (b.n = N + 1), 'n-mismatch'],
    ['challenge.seed', (b) => (b.challenge.seed = '0'.repeat(16)), 'challenge-mismatch'],
    ['challenge.nonce', (b) => (b.challenge.nonce = '0'.repeat(32)), 'challenge-mismatch'],
    ['challenge.expiresAt', (b) => (b.challenge.expiresAt = '2030-01-01T00:00:00.000Z'), 'challenge-mismatch'],
    ['kernels[0].medianNs', (b) => (b.kernels[0]!.medianNs += 1), 'kernel-median-mismatch'],
    ['kernels[0].trialsNs (median trial)', (b) => (b.kernels[0]!.trialsNs[3]! -= 500_000), 'kernel-median-mismatch'],
    ['kernels[1].value', (b) => (b.kernels[1]!.value *= 2), 'kernel-value-mismatch'],
    ['kernels[1].workPerTrial', (b) => (b.kernels[1]!.workPerTrial *= 2), 'kernel-value-mismatch'],
    ['kernels[1] timed on another size', (b) => {
      const smaller = kernelResult('sgemm', [1, 2, 3, 4, 5, 6, 7].map((t) => 2_000_000 + t), 2 * 16 ** 3 * 100);
      b.kernels[1] = smaller;
    }, 'gemm-work-mismatch'],
    ['kernels[2].noisy', (b) => (b.kernels[2]!.noisy = !b.kernels[2]!.noisy), 'kernel-noisy-mismatch'],
    ['kernels[3].unit', (b) => (b.kernels[3]!.unit = 'GFLOPS'), 'kernel-unit'],
    ['kernels[4].name', (b) => (b.kernels[4]!.name = 'fma'), 'duplicate-kernel'],
    ['kernels: fma dropped', (b) => b.kernels.shift(), 'kernel-missing'],
    ['kernels[0].trialsNs count', (b) => b.kernels[0]!.trialsNs.pop(), 'trial-count'],
    ['score.composite', (b) => (b.score.composite += 10), 'score-mismatch'],
    ['score.perKernel.triad', (b) => (b.score.perKernel.triad! += 1), 'score-mismatch'],
    ['formulaVersion', (b) => (b.formulaVersion = 2), 'formula-version'],
    ['sustained.ratio1000', (b) => (b.sustained!.ratio1000 += 5), 'sustained-mismatch'],
    ['sustained removed', (b) => (b.sustained = null), 'sustained-mismatch'],
    ['detectedModel', (b) => (b.detectedModel = 'rtx-4090'), 'model-mismatch'],
    ['adapter.description', (b) => (b.adapter!.description = 'NVIDIA GeForce RTX 4090'), 'model-mismatch'],
    ['adapter.isFallbackAdapter', (b) => (b.adapter!.isFallbackAdapter = true), 'software-adapter'],
    ['backend', (b) => (b.backend = 'cuda'), 'device-info-mismatch'],
    ['createdAt', (b) => (b.createdAt = '2027-01-01T00:00:00.000Z'), 'created-outside-window'],
  ];
  it.each(resigned)('re-signed change of %s → %s', async (_field, change, code) => {
    const body = clone(reportBody(good));
    change(body);
    const result = verifyReport(await signReport(body, signer), opts());
    expect(codes(result)).toContain(code);
    expect(result.kind).not.toBe('score-valid');
  });

  it('refuses numbers 1.15× above the spec peak (faked timings, re-signed with consistent stats)', async () => {
    const body = clone(reportBody(good));
    const fast = kernelResult('fma', [60_000_000, 60_000_000, 60_000_000, 60_000_000, 60_000_000, 60_000_000, 60_000_000], 1_000_000_000_000);
    body.kernels[0] = fast;
    const { computeScore } = await import('./score.js');
    body.score = computeScore('webgpu', body.kernels);
    const result = verifyReport(await signReport(body, signer), opts());
    expect(result.kind).not.toBe('invalid');
    expect(result.kind).not.toBe('score-valid');
    expect(result.reasons.find((r) => r.code === 'implausible')?.message).toMatch(/fma.*1\.25/);
  });

  it('the signature is hex of 64 bytes and any other key fails it', async () => {
    expect(good.signature).toMatch(/^[0-9a-f]{128}$/);
    const forged = { ...good, signature: bytesToHex(await otherSigner.sign(new Uint8Array([1]))) };
    expect(codes(verifyReport(forged, opts()))).toContain('bad-signature');
  });

  it('checks plausibility against the spec table it is given', () => {
    const slow3060 = GPU_SPECS.map((s) => (s.id === 'rtx-3060' || s.id === 'rtx-3060-8gb' ? { ...s, fp32Tflops: 5 } : s));
    const result = verifyReport(good, opts({ specs: slow3060 }));
    expect(result.kind).not.toBe('invalid');
    expect(result.kind).not.toBe('score-valid');
    expect(codes(result)).toContain('implausible');
  });
});

describe('verifyReport: verdict kinds', () => {
  it('a report checked against the challenge it answers, on a known GPU, is a valid score that carries both', () => {
    const result = verifyReport(good, opts());
    expect(result.kind).toBe('score-valid');
    if (result.kind !== 'score-valid') return;
    expect(result.challenge.nonce).toBe(challenge.nonce);
    expect(result.spec.id).toBe('rtx-3060-8gb');
  });

  it('without the challenge it answers: computed correctly — not a score (challenge not checked), local challenge or not', async () => {
    for (const report of [good, await makeReport({ ...challenge, issuer: 'coordinator.example' })]) {
      const result = verifyReport(report, { seenNonces: new Set(), now: LATER });
      expect(result.kind).toBe('computed-correctly-unscored');
      expect(result.reasons.find((r) => r.code === 'challenge-not-checked')?.scope).toBe('scoring');
    }
  });

  it('an unknown GPU model is never a score on its self-reported numbers, even checked against its challenge', async () => {
    const result = verifyReport(await makeReport(challenge, { ...RTX_3060, description: 'NVIDIA GeForce RTX 9999' }), opts());
    expect(result.kind).toBe('computed-correctly-unscored');
    expect(result.spec).toBeNull();
    expect(result.reasons.find((r) => r.code === 'unknown-model')?.scope).toBe('scoring');
  });

  it('a wrong result is invalid', async () => {
    const c = referenceGemm(challenge.seed, N);
    c[3] = c[3]! + 1;
    expect(verifyReport(await makeReport(challenge, RTX_3060, c), opts()).kind).toBe('invalid');
  });
});

describe('verifyReport: local challenges expire', () => {
  it('a local challenge that claims a year-long window still expires LOCAL_CHALLENGE_TTL_MS after it was issued', async () => {
    const long: Challenge = { ...challenge, expiresAt: new Date(NOW.getTime() + 365 * 86_400_000).toISOString() };
    const report = await makeReport(long);
    const edge = Date.parse(long.issuedAt) + LOCAL_CHALLENGE_TTL_MS + DEFAULT_CLOCK_SKEW_MS;
    expect(verifyReport(report, opts({ challenge: long, now: new Date(edge) })).kind).toBe('score-valid');
    const late = verifyReport(report, opts({ challenge: long, now: new Date(edge + 1) }));
    expect(late.kind).toBe('computed-correctly-unscored');
    expect(codes(late)).toContain('challenge-expired');
  });

  it('a coordinator challenge keeps the window its issuer gave it', async () => {
    const remote: Challenge = { ...challenge, issuer: 'coordinator.example', expiresAt: new Date(NOW.getTime() + 86_400_000).toISOString() };
    const report = await makeReport(remote);
    expect(verifyReport(report, opts({ challenge: remote, now: new Date(NOW.getTime() + 2 * 3_600_000) })).kind).toBe('score-valid');
  });
});

describe('verifyReport: plausibility margins', () => {
  /** A kernel whose value is exactly `milli` (7 equal 1 ms trials). */
  const exactly = (name: KernelName, milli: number) => kernelResult(name, Array.from({ length: 7 }, () => 1_000_000), milli * 1000);
  async function withKernel(kernel: KernelResult, adapter = RTX_3060): Promise<BenchReport> {
    const body = clone(reportBody(await makeReport(challenge, adapter)));
    body.kernels = body.kernels.map((k) => (k.name === kernel.name ? kernel : k));
    body.score = computeScore('webgpu', body.kernels);
    return signReport(body, signer);
  }
  const boundFor = (name: KernelName, device: string) => peakMilli(name, 'webgpu', plausibilityPeaks(matchSpecVariants({ name: device })!)) * (name === 'triad' ? MEMORY_PLAUSIBILITY_MARGIN : COMPUTE_PLAUSIBILITY_MARGIN);

  it.each<KernelName>(['fma', 'triad'])('%s: at the peak × margin is plausible, one milli-unit more is not', async (name) => {
    const bound = boundFor(name, RTX_3060.description);
    const at = verifyReport(await withKernel(exactly(name, Math.floor(bound))), opts());
    expect(codes(at)).not.toContain('implausible');
    expect(at.kind).toBe('score-valid');
    const above = verifyReport(await withKernel(exactly(name, Math.floor(bound) + 1)), opts());
    expect(above.kind).toBe('computed-correctly-unscored');
    expect(codes(above)).toContain('implausible');
  });

  it('lets a factory-overclocked card through: FMA 20 % above the rated peak', async () => {
    const result = verifyReport(await withKernel(exactly('fma', Math.round(12.74 * 1_000_000 * 1.2))), opts());
    expect(codes(result)).not.toContain('implausible');
  });

  it('bounds a variant it cannot tell apart by the faster one: an RTX 3060 Ti at GDDR6X bandwidth is plausible, and the match says why', async () => {
    const ti: WebGpuAdapterReport = { ...RTX_3060, description: 'NVIDIA GeForce RTX 3060 Ti' };
    const result = verifyReport(await withKernel(exactly('triad', 560_000), ti), opts());
    expect(codes(result)).not.toContain('implausible');
    expect(result.spec?.id).toBe('rtx-3060-ti');
    expect(result.match?.note).toMatch(/cannot be told apart/);
  });
});
