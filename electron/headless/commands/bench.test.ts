import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BenchReportSchema } from '../../../protocol/bench/report.js';
import { UsageError } from '../cli-kit.js';
import { benchCommand } from './bench.js';
import { verifyCommand } from './verify.js';

// The verb as the CLI runs it, on this machine's real adapter (Dawn + SwiftShader here); stdout and stderr captured.
function capture() {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('offhours bench', () => {
  it('--quick --json prints a signed report that offhours verify accepts as correctly computed and refuses for scoring', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-bench-cli-'));
    dirs.push(dir);
    const out = join(dir, 'report.json');
    let io = capture();
    const code = await benchCommand.run(['--quick', '--json', '--data-dir', dir, '--out', out]).finally(io.restore);
    expect(code).toBe(0);
    const report = BenchReportSchema.parse(JSON.parse(io.out()));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(report);
    expect(io.err()).toMatch(/\[ *\d+%\] Measuring FP32 matrix multiply/);
    expect(report.adapter?.isFallbackAdapter).toBe(true);

    io = capture();
    const verified = await verifyCommand.run([out, '--data-dir', dir]).finally(io.restore);
    expect(verified).toBe(0);
    // Its local challenge was not handed over, and it ran on SwiftShader: computed correctly, not a score.
    expect(io.out()).toMatch(/^✔ Computed correctly — not a score: challenge not checked; software adapter\./);
    expect(io.out()).toMatch(/software-adapter/);

    io = capture();
    const mustScore = await verifyCommand.run([out, '--data-dir', dir, '--require-score', '--no-record']).finally(io.restore);
    expect(mustScore).toBe(1);
  }, 120_000);

  it('refuses bad options with a usage error', async () => {
    await expect(benchCommand.run(['--backend', 'metal'])).rejects.toBeInstanceOf(UsageError);
    const dir = mkdtempSync(join(tmpdir(), 'offhours-bench-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'c.json'), '{"version": 1}');
    await expect(benchCommand.run(['--challenge', join(dir, 'c.json')])).rejects.toThrow(/not a valid challenge/);
  });
});
