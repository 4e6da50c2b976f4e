import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocalChallenge } from '../../../protocol/bench/challenge.js';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { proveAndSign } from '../../../protocol/bench/prove.js';
import { kernelResult, type BenchReport } from '../../../protocol/bench/report.js';
import { memorySigner } from '../../../protocol/bench/signing.js';
import { verdictHere } from '../bench/verdict.js';
import type * as VerifyChild from './verify-child.js';

const N = 64;
const signer = memorySigner(Uint8Array.from({ length: 32 }, (_, i) => i + 7));
const built = join(import.meta.dirname, '..', '..', '..', 'dist', 'electron', 'core', 'adapters', 'verify-child.js');

async function signedReport(now: Date, c?: Float32Array): Promise<BenchReport> {
  const challenge = createLocalChallenge(now, { devicePublicKey: await signer.publicKeyHex(), quick: true, n: N });
  const trials = (base: number) => [0, 1, 2, 3, 4, 5, 6].map((d) => base + d * 1000);
  return proveAndSign(
    {
      challenge,
      app: { version: '0.1.0', kernelHash: 'cd'.repeat(32) },
      backend: 'webgpu',
      adapter: { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true },
      cuda: null,
      kernels: [kernelResult('fma', trials(105_000_000), 1_000_000_000_000), kernelResult('sgemm', trials(20_000_000), 137_438_953_472), kernelResult('triad', trials(2_500_000), 805_306_368)],
      sustainedSeconds: null,
      c: c ?? referenceGemm(challenge.seed, N),
      createdAt: now,
    },
    signer,
  );
}

// The child is the built module forking itself (as in the daemon); needs `npm run build`, skipped out loud without it.
if (!existsSync(built) && process.env.CI !== 'true') console.warn('SKIPPED: the report-check child needs "npm run build" first');
describe.skipIf(!existsSync(built) && process.env.CI !== 'true')('report check in a child process', () => {
  it('gives the in-process verdict, for an honest report and for a wrong one', async () => {
    const { verifyInChild } = (await import(pathToFileURL(built).href)) as typeof VerifyChild;
    const now = new Date();
    const honest = await signedReport(now);
    const c = referenceGemm(honest.challenge.seed, N);
    c[5] = (c[5] ?? 0) + 1;
    const wrong = await signedReport(now, c);
    for (const report of [honest, wrong]) {
      const here = verdictHere(report, report.challenge, now.getTime() + 1000);
      expect(await verifyInChild(report, report.challenge, now.getTime() + 1000, { isolate: true })).toEqual(here);
    }
    expect(verdictHere(honest, honest.challenge, now.getTime() + 1000).kind).toBe('computed-correctly-unscored'); // SwiftShader
    expect(verdictHere(wrong, wrong.challenge, now.getTime() + 1000).kind).toBe('invalid');
  });
});
