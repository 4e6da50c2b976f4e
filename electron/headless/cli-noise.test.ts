/**
 * What the built `offhours` prints is Offhours' own words: the libraries and programs it drives (Dawn and the
 * Vulkan loader, Podman, nvidia-smi) write warnings to stderr that explain nothing to a gamer, e.g. "error:
 * XDG_RUNTIME_DIR is invalid or not set in the environment." from libwayland whenever Dawn opens Vulkan without
 * a desktop session. Children's stderr is captured and shown only inside a failure it explains. Needs
 * `npm run build:node` (the real CLI) and, for the container checks to reach an engine, `source scripts/test-env.sh`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DoctorReportSchema } from '../../protocol/doctor.js';
import { GpuInventorySchema } from '../../protocol/gpu.js';

const ROOT = join(import.meta.dirname, '..', '..');
const built = existsSync(join(ROOT, 'dist', 'electron', 'headless', 'cli.js'));
if (!built && process.env.CI !== 'true') console.warn('\n!!! SKIPPED: the CLI output tests run the built CLI; run "npm run build:node" first.\n');

/** Lines that come from a library or a child process, never from Offhours. */
const NOISE = [/XDG_RUNTIME_DIR/, /^(error|warning|info): /im, /^WARN\[\d+\]/m, /\bDawn\b/, /\bvk[A-Z]\w+|VK_/, /\bMESA\b|\bmesa:/, /libEGL|wayland/i];

const dataDir = mkdtempSync(join(tmpdir(), 'offhours-cli-noise-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function offhoursProcess(...args: string[]) {
  // No desktop session, as on a headless rig or over ssh: the case in which libwayland complains.
  const env = { ...process.env, XDG_RUNTIME_DIR: '' };
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'offhours.js'), ...args], { env, encoding: 'utf8', timeout: 240_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function expectNoNoise(text: string) {
  for (const pattern of NOISE) expect(text, `matched ${pattern}`).not.toMatch(pattern);
}

describe.skipIf(!built)('the built CLI prints only its own words', () => {
  it('offhours doctor --json: the report on stdout, nothing from Dawn, Vulkan or Podman anywhere', () => {
    const doctor = offhoursProcess('doctor', '--json', '--data-dir', dataDir);
    const report = DoctorReportSchema.parse(JSON.parse(doctor.stdout));
    // The WebGPU check really opened Dawn (where the noise comes from): its finding is in the report.
    expect(report.findings.find((finding) => finding.id === 'webgpu')?.summary).toMatch(/\w/);
    expectNoNoise(doctor.stderr);
    expect(doctor.stderr).toBe('');
    // stdout is the report, whose own words may name Vulkan; the library's lines must not be in it.
    expect(doctor.stdout).not.toMatch(/XDG_RUNTIME_DIR|^(error|warning): /m);
  }, 300_000);

  it('offhours gpus --json: the inventory on stdout, nothing on stderr', () => {
    const gpus = offhoursProcess('gpus', '--json');
    expect(gpus.code).toBe(0);
    GpuInventorySchema.parse(JSON.parse(gpus.stdout));
    expectNoNoise(gpus.stderr);
    expect(gpus.stderr).toBe('');
    expectNoNoise(gpus.stdout);
  }, 300_000);
});
