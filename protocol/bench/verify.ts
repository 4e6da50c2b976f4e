/**
 * Report verification: what the coordinator (and `offhours verify`) runs. Pure; O(n²) CPU for the Freivalds
 * and row checks. Every problem found becomes a reason with a stable code; nothing stops at the first one
 * (except a report that does not parse at all).
 *
 * Verdicts (VerifyResult.kind):
 *   invalid                      — not authentic (signature), or the committed C is not A·B for the challenge
 *                                  seed (Merkle, Freivalds, opened rows), or the report contradicts itself.
 *   computed-correctly-unscored  — computed correctly, but not a score; the reasons say why: the challenge it
 *                                  answers was not handed over (so not checked), or it is expired or replayed,
 *                                  or the numbers cannot be priced (software adapter, a GPU model the spec
 *                                  table does not know, implausible against it, not measured by the protocol).
 *   score-valid                  — none of the above. Carries the challenge it was checked against and the
 *                                  spec row of the known device; only scoreValid() below builds one, and only
 *                                  from a CheckedChallenge, which only the binding check makes.
 */
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { challengeExpiresAtMs, isLocalChallenge, localIssuer, type Challenge } from './challenge.js';
import { rootFromOpenedRow } from './merkle.js';
import { deriveProbe, freivaldsCheck } from './probe.js';
import {
  BenchReportSchema,
  KERNEL_UNITS,
  REPORT_FORMAT_VERSION,
  reportDeviceName,
  summarizeTrials,
  sustainedRatio1000,
  throughputMilli,
  TRIALS_PER_KERNEL,
  type BenchReport,
  type KernelName,
} from './report.js';
import { FORMULA_VERSION, scoreForReport } from './score.js';
import { verifySignature } from './signing.js';
import { COMPUTE_PLAUSIBILITY_MARGIN, GPU_SPECS, matchSpecVariants, plausibilityMargin, plausibilityPeaks, tableMaxima, type GpuSpec, type SpecMatch } from './spec-table.js';

/** What a reason takes away: the computation verdict (invalid), freshness or scoring (unscored), or nothing (a flag). */
export type ReasonScope = 'computation' | 'freshness' | 'scoring' | 'flag';

export interface VerifyReason {
  code: string;
  message: string;
  scope: ReasonScope;
}

export interface VerifyOptions {
  /** The challenge the verifier issued (or the app made for its own run). Without it the report is never a score. */
  challenge?: Challenge;
  /** Nonces already accepted (replay protection). */
  seenNonces: { has(nonce: string): boolean };
  now: Date;
  specs?: readonly GpuSpec[];
  /** Allowed clock difference between client and verifier. */
  clockSkewMs?: number;
  /** Kernel builds the verifier trusts (app.kernelHash); omit to accept any. */
  kernelHashes?: readonly string[];
  /** Regenerate inputs with the WebAssembly Philox when available (default true; false forces the JS path). */
  wasm?: boolean;
}

export interface KernelVerdict {
  name: KernelName;
  /** value ÷ spec peak, ×1000; null without a spec row. */
  efficiency1000: number | null;
}

declare const checked: unique symbol;
/** A challenge handed to the verifier that the report was found to answer. Only checkBinding makes one. */
export type CheckedChallenge = Challenge & { readonly [checked]: true };

interface VerdictCommon {
  /** Every problem and note found, with its scope. */
  reasons: VerifyReason[];
  /** The spec row the device matched (recomputed; the lower one when memory variants tie), or null. */
  spec: GpuSpec | null;
  /** How that row was matched: the variants it could be and why. */
  match: SpecMatch | null;
  kernels: KernelVerdict[];
}

export type VerdictKind = 'score-valid' | 'computed-correctly-unscored' | 'invalid';

export type VerifyResult =
  | (VerdictCommon & { kind: 'score-valid'; challenge: CheckedChallenge; spec: GpuSpec })
  | (VerdictCommon & { kind: 'computed-correctly-unscored' })
  | (VerdictCommon & { kind: 'invalid' });

/** The compute margin over the spec peak (spec-table.ts says where it comes from); the timed challenge's bound. */
export const PLAUSIBILITY_FACTOR = COMPUTE_PLAUSIBILITY_MARGIN;
export const DEFAULT_CLOCK_SKEW_MS = 2 * 60 * 1000;
/** Below these fractions of spec peak a result is flagged (not refused): likely a driver, power or thermal problem. */
export const EFFICIENCY_BANDS: Record<KernelName, number> = { fma: 0.5, sgemm: 0.15, sgemm_sustained: 0.15, hgemm: 0.1, triad: 0.4 };
/** Sustained ÷ peak below this is reported as throttling. */
export const THROTTLE_RATIO1000 = 900;
const REQUIRED_KERNELS: KernelName[] = ['fma', 'sgemm', 'triad'];
/** GEMM timings must be whole multiples of the proven n×n GEMM (2n³ FLOPs), so the timed work is the proven work. */
const GEMM_KERNELS: KernelName[] = ['sgemm', 'hgemm', 'sgemm_sustained'];
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|software rasterizer|microsoft basic render|\bwarp\b/i;

/** Peak of the spec row for a kernel, in the report's milli-units (milli-GFLOPS or milli-GB/s). */
export function peakMilli(name: KernelName, backend: 'webgpu' | 'cuda', spec: Pick<GpuSpec, 'fp32Tflops' | 'fp16TensorTflops' | 'memoryGBs'>): number {
  switch (name) {
    case 'triad':
      return spec.memoryGBs * 1000;
    case 'hgemm':
      // CUDA: tensor cores with FP32 accumulate. WGSL f16: vector ALUs, at most 2× FP32 (packed math).
      return (backend === 'cuda' && spec.fp16TensorTflops !== null ? spec.fp16TensorTflops : 2 * spec.fp32Tflops) * 1_000_000;
    default:
      return spec.fp32Tflops * 1_000_000;
  }
}

/** Parse a report from JSON text and verify it; unreadable text is a computation failure like any other. */
export function verifyReportText(text: string, opts: VerifyOptions): VerifyResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failed([{ code: 'unreadable', message: `The report is not valid JSON (${(error as Error).message}).`, scope: 'computation' }]);
  }
  return verifyReport(parsed, opts);
}

function failed(reasons: VerifyReason[]): VerifyResult {
  return { kind: 'invalid', reasons, spec: null, match: null, kernels: [] };
}

/** The one way to state a valid score: a challenge the binding check vouched for and a known device. */
function scoreValid(common: VerdictCommon, challenge: CheckedChallenge, spec: GpuSpec): VerifyResult {
  return { ...common, kind: 'score-valid', challenge, spec };
}

/** computed correctly and not stale or replayed: what `offhours verify` records the nonce of. */
export function isCurrent(result: VerifyResult): boolean {
  return result.kind !== 'invalid' && !result.reasons.some((r) => r.scope === 'freshness');
}

/**
 * The binding check: the report answers the challenge the verifier was handed. Without one there is nothing
 * to check against (the report's own challenge says only what its signer chose), so no CheckedChallenge.
 */
function checkBinding(report: BenchReport, given: Challenge | undefined, add: AddReason): CheckedChallenge | null {
  if (isLocalChallenge(report.challenge) && report.challenge.issuer !== localIssuer(report.devicePublicKey)) {
    add('computation', 'issuer-mismatch', 'The local challenge was issued for another device key.');
  }
  if (!given) {
    add('scoring', 'challenge-not-checked', `Computed correctly — not a score: challenge not checked. Pass the challenge this report answers (issued by ${report.challenge.issuer}) to check it.`);
    return null;
  }
  if (canonicalJson(given) !== canonicalJson(report.challenge)) {
    add('computation', 'challenge-mismatch', 'The report answers a different challenge than the one issued (nonce, seed, size or window differ).');
    return null;
  }
  return given as CheckedChallenge;
}

type AddReason = (scope: ReasonScope, code: string, message: string) => void;

export function verifyReport(input: unknown, opts: VerifyOptions): VerifyResult {
  const parsed = BenchReportSchema.safeParse(input);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'report'}: ${issue.message}`)
      .join('; ');
    return failed([{ code: 'malformed', message: `The report does not have the expected shape (${detail}).`, scope: 'computation' }]);
  }
  const report = parsed.data;
  const reasons: VerifyReason[] = [];
  const add: AddReason = (scope, code, message) => reasons.push({ code, message, scope });
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const table = opts.specs ?? GPU_SPECS;

  // 1. Authenticity.
  if (!verifySignature(report)) add('computation', 'bad-signature', 'The signature does not match the report: it was changed after signing or signed by another key.');
  if (report.formatVersion !== REPORT_FORMAT_VERSION) add('computation', 'format-version', `Unknown report format ${report.formatVersion}.`);

  // 2. Challenge binding, window, replay.
  const challenge = opts.challenge ?? report.challenge;
  const checkedChallenge = checkBinding(report, opts.challenge, add);
  const now = opts.now.getTime();
  const issuedAt = Date.parse(challenge.issuedAt);
  // A local challenge ends LOCAL_CHALLENGE_TTL_MS after issue whatever window it claims (its signer chose it).
  const expiresAt = challengeExpiresAtMs(challenge);
  const createdAt = Date.parse(report.createdAt);
  if (now > expiresAt + skew) add('freshness', 'challenge-expired', `The challenge expired at ${new Date(expiresAt).toISOString()}; run the benchmark again for a fresh one.`);
  if (now < issuedAt - skew) add('freshness', 'challenge-not-yet-valid', `The challenge is only valid from ${challenge.issuedAt}; check the clock.`);
  if (createdAt < issuedAt - skew || createdAt > expiresAt + skew) add('freshness', 'created-outside-window', `The report was created at ${report.createdAt}, outside the challenge window.`);
  if (opts.seenNonces.has(challenge.nonce)) add('freshness', 'replayed-nonce', 'This challenge was already answered: a report can be used only once.');
  if (report.n !== challenge.n) add('computation', 'n-mismatch', `The report is for n = ${report.n} but the challenge asks for n = ${challenge.n}.`);

  // 3. Device description consistency.
  const webgpu = report.backend === 'webgpu';
  if (webgpu ? !report.adapter || report.cuda : !report.cuda || report.adapter) {
    add('computation', 'device-info-mismatch', `A ${report.backend} report must carry ${webgpu ? 'adapter' : 'cuda'} information and only that.`);
  }
  const match = matchSpecVariants({ name: reportDeviceName(report), memoryBytes: report.cuda?.memoryBytes ?? null }, table);
  const spec = match?.spec ?? null;
  if ((spec?.id ?? null) !== report.detectedModel) {
    add('computation', 'model-mismatch', `The report says the device is ${report.detectedModel ?? 'unknown'} but its name matches ${spec?.id ?? 'no known model'}.`);
  }

  // 4. Proof of computation.
  checkProof(report, challenge, add, opts.wasm ?? true);

  // 5. Measurements.
  if (opts.kernelHashes && !opts.kernelHashes.includes(report.app.kernelHash)) add('scoring', 'unknown-kernel-build', 'The kernels were not built by a release the verifier knows.');
  const names = new Set<KernelName>();
  for (const kernel of report.kernels) {
    if (names.has(kernel.name)) add('computation', 'duplicate-kernel', `Kernel ${kernel.name} appears twice.`);
    names.add(kernel.name);
    if (kernel.unit !== KERNEL_UNITS[kernel.name]) add('computation', 'kernel-unit', `Kernel ${kernel.name} must be reported in ${KERNEL_UNITS[kernel.name]}.`);
    const summary = summarizeTrials(kernel.trialsNs);
    if (summary.medianNs !== kernel.medianNs) add('computation', 'kernel-median-mismatch', `Kernel ${kernel.name}: the median of its trials is ${summary.medianNs} ns, not ${kernel.medianNs} ns.`);
    if (summary.noisy !== kernel.noisy) add('computation', 'kernel-noisy-mismatch', `Kernel ${kernel.name}: the noisy flag does not match its trials.`);
    if (throughputMilli(kernel.workPerTrial, kernel.medianNs) !== kernel.value) add('computation', 'kernel-value-mismatch', `Kernel ${kernel.name}: value does not equal work ÷ median time.`);
    if (GEMM_KERNELS.includes(kernel.name) && kernel.workPerTrial % (2 * report.n ** 3) !== 0) {
      add('scoring', 'gemm-work-mismatch', `Kernel ${kernel.name} timed ${kernel.workPerTrial} FLOPs per trial, which is not a whole number of the proven ${report.n}×${report.n} GEMMs.`);
    }
    if (kernel.name !== 'sgemm_sustained' && kernel.trialsNs.length !== TRIALS_PER_KERNEL) add('scoring', 'trial-count', `Kernel ${kernel.name} ran ${kernel.trialsNs.length} trials; scoring needs ${TRIALS_PER_KERNEL}.`);
    if (kernel.noisy) add('flag', 'noisy', `Kernel ${kernel.name} varied by more than 5 % between trials; something else may have used the GPU.`);
  }
  for (const name of REQUIRED_KERNELS) if (!names.has(name)) add('scoring', 'kernel-missing', `Kernel ${name} is missing; scoring needs fma, sgemm and triad.`);
  const ratio = sustainedRatio1000(report.kernels);
  if ((ratio === null) !== (report.sustained === null) || (ratio !== null && report.sustained?.ratio1000 !== ratio)) {
    add('computation', 'sustained-mismatch', 'The sustained/peak ratio does not match the sustained and peak SGEMM results.');
  } else if (ratio !== null && ratio < THROTTLE_RATIO1000) {
    add('flag', 'throttled', `Sustained SGEMM ran at ${(ratio / 10).toFixed(1)} % of peak: the card slows down when hot.`);
  }

  // 6. Score.
  if (report.formulaVersion !== FORMULA_VERSION) add('scoring', 'formula-version', `Score formula ${report.formulaVersion} is not the current one (${FORMULA_VERSION}).`);
  else {
    const expected = scoreForReport(report);
    const perKernelSame = canonicalJson(expected.perKernel) === canonicalJson(report.score.perKernel);
    if (!perKernelSame || Math.abs(expected.composite - report.score.composite) > 1) {
      add('computation', 'score-mismatch', `The score does not follow from the kernel results (expected ${expected.composite}, report says ${report.score.composite}).`);
    }
  }

  // 7. Hardware plausibility.
  const software = report.backend === 'webgpu' && report.adapter && (report.adapter.isFallbackAdapter || SOFTWARE_ADAPTER.test(Object.values(report.adapter).filter((v) => typeof v === 'string').join(' ')));
  if (software) add('scoring', 'software-adapter', 'The benchmark ran on a software (CPU) renderer, not a graphics card: it proves the computation but cannot be scored. Install the GPU driver and run it again.');
  if (!spec && !software) {
    add('scoring', 'unknown-model', `"${reportDeviceName(report) || 'this device'}" is not in the spec table, so its self-reported numbers cannot be checked against a known peak and are not scored.`);
  }
  // Memory variants that cannot be told apart: the faster one bounds what is plausible (an honest card is never refused).
  const bound = match ? plausibilityPeaks(match) : tableMaxima(table);
  const boundName = !match ? 'fastest known GPU' : match.candidates.length > 1 ? `fastest ${match.spec.name} variant` : match.spec.name;
  const kernels: KernelVerdict[] = [];
  for (const kernel of report.kernels) {
    const peak = peakMilli(kernel.name, report.backend, bound);
    const margin = plausibilityMargin(kernel.name);
    if (kernel.value > peak * margin) {
      add('scoring', 'implausible', `Kernel ${kernel.name} claims ${(kernel.value / 1000).toFixed(0)} ${kernel.unit}, more than ${margin} × the ${boundName} peak (${(peak / 1000).toFixed(0)}).`);
    }
    const efficiency1000 = spec ? Math.round((kernel.value * 1000) / peakMilli(kernel.name, report.backend, spec)) : null;
    if (spec && !software && efficiency1000 !== null && efficiency1000 < EFFICIENCY_BANDS[kernel.name] * 1000) {
      add('flag', 'efficiency-band', `Kernel ${kernel.name} reached ${(efficiency1000 / 10).toFixed(1)} % of the ${spec.name} peak; expected at least ${EFFICIENCY_BANDS[kernel.name] * 100} %.`);
    }
    kernels.push({ name: kernel.name, efficiency1000 });
  }

  const common: VerdictCommon = { reasons, spec, match, kernels };
  if (reasons.some((r) => r.scope === 'computation')) return { ...common, kind: 'invalid' };
  const unscored = reasons.some((r) => r.scope === 'freshness' || r.scope === 'scoring');
  if (unscored || !checkedChallenge || !spec) return { ...common, kind: 'computed-correctly-unscored' };
  return scoreValid(common, checkedChallenge, spec);
}

function checkProof(report: BenchReport, challenge: Challenge, add: AddReason, wasm: boolean): void {
  const n = report.n;
  const { cr, rows } = report.probe;
  if (cr.length !== n) {
    add('computation', 'probe-shape', `The probe answer has ${cr.length} entries of C·r, expected ${n}.`);
    return;
  }
  const probe = deriveProbe(challenge, report.merkleRoot, n);
  const indices = rows.map((row) => row.index);
  if (canonicalJson(indices) !== canonicalJson(probe.rows)) {
    add('computation', 'probe-rows-mismatch', `The opened rows (${indices.join(', ')}) are not the ones the challenge and root select (${probe.rows.join(', ')}).`);
  }
  const usable = rows.filter((row) => row.index < n && row.values.length === n).slice(0, probe.rows.length);
  if (usable.length !== rows.length) add('computation', 'probe-shape', 'An opened row has the wrong index range or length.');
  for (const row of usable) {
    if (rootFromOpenedRow(row, n) !== report.merkleRoot) add('computation', 'merkle-path-invalid', `Row ${row.index} does not hash to the committed Merkle root.`);
    let dot = 0;
    for (let j = 0; j < n; j++) dot += row.values[j]! * probe.r[j]!;
    if (dot !== cr[row.index]) add('computation', 'row-cr-mismatch', `Row ${row.index} times r is ${dot}, but the answer says ${cr[row.index]}.`);
  }
  const result = freivaldsCheck(challenge.seed, n, probe.r, cr, usable, { wasm });
  if (!result.crMatches) {
    add('computation', 'freivalds-mismatch', `C·r differs from A(B·r) at row${result.crMismatches.length > 1 ? 's' : ''} ${result.crMismatches.join(', ')}: the committed C is not A·B for this seed.`);
  }
  result.rowsMatch.forEach((ok, t) => {
    if (!ok) add('computation', 'row-mismatch', `Opened row ${usable[t]!.index} is not row ${usable[t]!.index} of A·B.`);
  });
}

export const VerifyReasonSchema = z.object({ code: z.string(), message: z.string(), scope: z.enum(['computation', 'freshness', 'scoring', 'flag']) });
