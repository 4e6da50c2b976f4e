import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceGemm } from '../protocol/bench/inputs.js';
import type { BenchReport } from '../protocol/bench/report.js';
import { verifyReportText } from '../protocol/bench/verify.js';
import { fixturePath, packedCpuGemm } from './verify.bench.js';

describe('verify bench', () => {
  it('the packed CPU GEMM used for fixtures equals the reference GEMM', () => {
    for (const n of [2, 16, 40]) expect(Array.from(packedCpuGemm('0123456789abcdef', n))).toEqual(Array.from(referenceGemm('0123456789abcdef', n)));
    expect(() => packedCpuGemm('0123456789abcdef', 3)).toThrow(/even/);
  });

  it.each([1024, 4096])('the committed n = %i fixture is a valid, scoreable signed report under the current protocol', (n) => {
    const text = readFileSync(fixturePath(n), 'utf8');
    const report = JSON.parse(text) as BenchReport;
    expect(report.n).toBe(n);
    const result = verifyReportText(text, { challenge: report.challenge, seenNonces: new Set(), now: new Date(report.createdAt) });
    expect(result.reasons.filter((r) => r.scope !== 'flag')).toEqual([]);
    expect(result.kind).toBe('score-valid');
  });
});
