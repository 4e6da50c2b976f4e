import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/gpu-check.sh: the one command for the checks that need an NVIDIA GPU. Here (no GPU) it must say it
 * skipped, exit 0 and write a report that says skipped; on a GPU machine it is run by hand instead.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const hasNvidiaGpu = existsSync('/dev/nvidiactl');
const work = mkdtempSync(join(tmpdir(), 'offhours-gpu-check-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(hasNvidiaGpu)('scripts/gpu-check.sh without an NVIDIA GPU', () => {
  it('prints one SKIPPED line with the reason, exits 0 at once and writes a report that says skipped', () => {
    const report = join(work, 'report.json');
    const started = Date.now();
    const result = spawnSync('bash', [join(repoRoot, 'scripts', 'gpu-check.sh')], { encoding: 'utf8', env: { ...process.env, GPU_CHECK_REPORT: report }, timeout: 60_000 });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^SKIPPED: no NVIDIA GPU \(no \/dev\/nvidiactl: this machine has no NVIDIA GPU or driver\)$/m);
    // Skipping builds and runs nothing.
    expect(Date.now() - started).toBeLessThan(15_000);
    const doc = JSON.parse(readFileSync(report, 'utf8')) as { skipped: boolean; reason: string; ok: boolean | null; steps: unknown[]; efficiency: unknown[] };
    expect(doc).toMatchObject({ skipped: true, reason: 'no NVIDIA GPU (no /dev/nvidiactl: this machine has no NVIDIA GPU or driver)', ok: null, steps: [], efficiency: [] });
  });
});
