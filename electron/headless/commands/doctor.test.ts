import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DoctorReportSchema } from '../../../protocol/doctor.js';
import { GpuInventorySchema } from '../../../protocol/gpu.js';
import { doctorCommand } from './doctor.js';
import { gpusCommand } from './gpus.js';

// The verbs as the CLI runs them, on this machine's real adapters; stdout is captured.
function capture() {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return { text: () => out, restore: () => spy.mockRestore() };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('offhours gpus --json / offhours doctor --json on this machine', () => {
  it('gpus --json prints a valid inventory; with no card it is an empty list with a reason and a next step', async () => {
    const out = capture();
    const code = await gpusCommand.run(['--json']).finally(out.restore);
    expect(code).toBe(0);
    const inventory = GpuInventorySchema.parse(JSON.parse(out.text()));
    if (inventory.status === 'no-gpu') {
      expect(inventory.gpus).toEqual([]);
      expect(inventory.reason).toMatch(/\w/);
      expect(inventory.nextStep).toMatch(/\w/);
    }
  });

  it('doctor --json prints a valid report and exits 1 exactly when a check failed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'offhours-doctor-cli-'));
    dirs.push(dataDir);
    const out = capture();
    const code = await doctorCommand.run(['--json', '--data-dir', dataDir]).finally(out.restore);
    const report = DoctorReportSchema.parse(JSON.parse(out.text()));
    expect(code).toBe(report.worst === 'fail' ? 1 : 0);
    expect(report.findings.find((f) => f.id === 'data-dir')).toMatchObject({ status: 'ok', summary: `${dataDir} is writable.` });
    expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['nvidia-smi', 'gpu-driver', 'gpu-found', 'node-version', 'webgpu', 'cuda-bench']));
  });

  it('doctor without --json prints the readable report', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'offhours-doctor-cli-'));
    dirs.push(dataDir);
    const out = capture();
    await doctorCommand.run(['--data-dir', dataDir]).finally(out.restore);
    expect(out.text()).toMatch(/^Checking this PC…\nOffhours doctor: \d+ checks\n/);
    expect(out.text()).toMatch(/\[ OK \] Data folder/);
  });
});
