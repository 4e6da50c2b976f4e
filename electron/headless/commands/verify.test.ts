import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalChallenge, type Challenge } from '../../../protocol/bench/challenge.js';
import { referenceGemm } from '../../../protocol/bench/inputs.js';
import { proveAndSign } from '../../../protocol/bench/prove.js';
import { kernelResult, type BenchReport, type WebGpuAdapterReport } from '../../../protocol/bench/report.js';
import { generateSecretKey, memorySigner } from '../../../protocol/bench/signing.js';
import { UsageError } from '../cli-kit.js';
import { createVerifyCommand } from './verify.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const signer = memorySigner(generateSecretKey());
const SWIFTSHADER: WebGpuAdapterReport = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true };
const RTX_4070: WebGpuAdapterReport = { vendor: 'nvidia', architecture: 'ada', device: '', description: 'NVIDIA GeForce RTX 4070', isFallbackAdapter: false };

let dir: string;
let challenge: Challenge;
const files: Record<string, string> = {};

async function write(name: string, report: BenchReport | string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, typeof report === 'string' ? report : JSON.stringify(report, null, 2));
  return path;
}

async function report(adapter: WebGpuAdapterReport, ch = challenge): Promise<BenchReport> {
  const steady = (ns: number) => [0, 1, 2, 3, 4, 5, 6].map((i) => ns + i * 100);
  return proveAndSign(
    {
      challenge: ch,
      app: { version: '0.1.0', kernelHash: '12'.repeat(32) },
      backend: 'webgpu',
      adapter,
      cuda: null,
      kernels: [kernelResult('fma', steady(50_000_000), 1_000_000_000_000), kernelResult('sgemm', steady(10_000_000), 2 * ch.n ** 3 * 1_000_000), kernelResult('triad', steady(2_000_000), 805_306_368)],
      sustainedSeconds: null,
      c: referenceGemm(ch.seed, ch.n),
      createdAt: NOW,
    },
    signer,
  );
}

/** Runs the command in-process; returns exit code and stdout. */
async function run(args: string[], now = NOW): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await createVerifyCommand({ now: () => now }).run([...args, '--data-dir', join(dir, 'data')]);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-verify-'));
  challenge = createLocalChallenge(NOW, { devicePublicKey: await signer.publicKeyHex(), quick: true, n: 24 });
  files.swift = await write('swift.json', await report(SWIFTSHADER));
  files.gpu = await write('gpu.json', await report(RTX_4070));
  files.challenge = await write('challenge.json', JSON.stringify(challenge));
  const other = createLocalChallenge(NOW, { devicePublicKey: await signer.publicKeyHex(), quick: true, n: 24 });
  files.other = await write('other.json', JSON.stringify(other));
  const tampered = JSON.parse(readFileSync(files.gpu, 'utf8')) as BenchReport;
  tampered.probe.cr[0]! += 1;
  files.tampered = await write('tampered.json', tampered);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('offhours verify', () => {
  it('accepts a SwiftShader report as correctly computed, refuses it for scoring and says why (exit 0)', async () => {
    const { code, out } = await run([files.swift!, '--challenge', files.challenge!, '--no-record']);
    expect(code).toBe(0);
    expect(out).toContain('✔ Computed correctly — not a score: software adapter.');
    expect(out).toContain('Why it is not a score:');
    expect(out).toMatch(/\[software-adapter\] The benchmark ran on a software/);
  });

  it('with --require-score, a correctly computed but unscored report exits 1', async () => {
    expect((await run([files.swift!, '--challenge', files.challenge!, '--no-record', '--require-score'])).code).toBe(1);
  });

  it('without the challenge it answers says "computed correctly — not a score: challenge not checked", never "valid", and is never a score', async () => {
    const { code, out } = await run([files.gpu!, '--no-record']);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('✔ Computed correctly — not a score: challenge not checked.');
    expect(out).toContain('[challenge-not-checked]');
    expect(out).not.toMatch(/\bvalid\b|eligible/i);
    expect((await run([files.gpu!, '--no-record', '--require-score'])).code).toBe(1);
    const json = JSON.parse((await run([files.gpu!, '--no-record', '--json'])).out) as Record<string, unknown>;
    expect(json).toMatchObject({ verdict: 'computed-correctly-unscored', correctlyComputed: true, scoreEligible: false });
    expect(json).not.toHaveProperty('valid');
  });

  it('records the nonce of a valid report and refuses the same report the second time', async () => {
    const first = await run([files.gpu!, '--challenge', files.challenge!]);
    expect(first.code).toBe(0);
    expect(first.out.split('\n')[0]).toBe(`✔ Score valid: computed correctly, answers challenge ${challenge.nonce}, on a known GPU (GeForce RTX 4070).`);
    expect(first.out).toContain('Nonce recorded');
    const seen = JSON.parse(readFileSync(join(dir, 'data', 'bench', 'seen-nonces.json'), 'utf8')) as { nonces: { nonce: string }[] };
    expect(seen.nonces.map((n) => n.nonce)).toContain(challenge.nonce);
    const second = await run([files.gpu!]);
    expect(second.code).toBe(1);
    expect(second.out).toContain('[replayed-nonce]');
  });

  it('refuses a tampered report, naming the reason (exit 1)', async () => {
    const { code, out } = await run([files.tampered!, '--no-record']);
    expect(code).toBe(1);
    expect(out).toContain('✘ NOT correctly computed: the result cannot be trusted.');
    expect(out).toContain('[bad-signature]');
  });

  it('refuses a report against another challenge, as JSON', async () => {
    const { code, out } = await run([files.swift!, '--challenge', files.other!, '--json']);
    expect(code).toBe(1);
    const parsed = JSON.parse(out) as { verdict: string; reasons: { code: string }[]; nonceRecorded: boolean };
    expect(parsed.verdict).toBe('invalid');
    expect(parsed.nonceRecorded).toBe(false);
    expect(parsed.reasons.map((r) => r.code)).toContain('challenge-mismatch');
  });

  it('refuses an expired report', async () => {
    const { code, out } = await run([files.swift!, '--no-record'], new Date(NOW.getTime() + 86_400_000));
    expect(code).toBe(1);
    expect(out).toContain('[challenge-expired]');
  });

  it('says what to do when the seen-nonce list is damaged', async () => {
    mkdirSync(join(dir, 'data', 'bench'), { recursive: true });
    writeFileSync(join(dir, 'data', 'bench', 'seen-nonces.json'), '{oops');
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    try {
      expect((await run([files.swift!])).code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(err).toMatch(/damaged.*\nNext: Move that file aside/s);
    rmSync(join(dir, 'data', 'bench', 'seen-nonces.json'));
  });

  it('explains unreadable input', async () => {
    expect((await run([await write('junk.json', '{not json')])).out).toContain('[unreadable]');
    await expect(run([join(dir, 'missing.json')])).rejects.toBeInstanceOf(UsageError);
    await expect(run([])).rejects.toThrow(/exactly one report/);
    await expect(run([files.gpu!, '--challenge', files.gpu!])).rejects.toThrow(/not a valid challenge/);
  });
});
