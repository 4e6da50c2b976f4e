import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NVIDIA_QUERY_FIELDS, NVIDIA_QUERY_FIELDS_LEGACY } from '../gpu/ports.js';
import { NvidiaSmiCli, nvidiaSmiCandidates } from './nvidia-smi.js';

// Real processes through execFile: small shell scripts stand in for nvidia-smi.
const dir = mkdtempSync(join(tmpdir(), 'offhours-smi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(process.platform === 'win32')('NvidiaSmiCli', () => {
  it('reports a missing binary (ENOENT) as "missing" after trying every candidate', async () => {
    const cli = new NvidiaSmiCli({ candidates: [join(dir, 'nope-1'), join(dir, 'nope-2')] });
    expect(await cli.query()).toEqual({ kind: 'missing' });
  });

  it('falls through to the next candidate and reads the header of plain nvidia-smi', async () => {
    const smi = script(
      'smi-ok',
      `if [ $# -eq 0 ]; then echo "| NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: 12.4 |"; exit 0; fi
echo "0, NVIDIA GeForce RTX 3090, GPU-aa, 00000000:01:00.0, 24576, 24000, 550.54.14, 8.6, 40, 20.00, 350.00, 0, 1, 16"`,
    );
    const outcome = await new NvidiaSmiCli({ candidates: [join(dir, 'absent'), smi] }).query();
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, fields: NVIDIA_QUERY_FIELDS });
    if (outcome.kind === 'exited') {
      expect(outcome.stdout).toContain('RTX 3090');
      expect(outcome.header).toContain('CUDA Version: 12.4');
    }
  });

  it('retries without compute_cap on drivers that do not know it', async () => {
    const smi = script(
      'smi-legacy',
      `case "$1" in *compute_cap*) echo 'Field "compute_cap" is not a valid field to query.'; exit 2;; esac
[ $# -eq 0 ] && exit 0
echo "0, NVIDIA GeForce GTX 1050 Ti, GPU-bb, 00000000:01:00.0, 4040, 3981, 470.256.02, 37, [Not Supported], [Not Supported], 0, 1, 16"`,
    );
    const outcome = await new NvidiaSmiCli({ candidates: [smi] }).query();
    expect(outcome).toMatchObject({ kind: 'exited', exitCode: 0, fields: NVIDIA_QUERY_FIELDS_LEGACY });
  });

  it('passes the exit code and output of a failing driver through', async () => {
    const smi = script('smi-mismatch', `echo "Failed to initialize NVML: Driver/library version mismatch"; exit 18`);
    expect(await new NvidiaSmiCli({ candidates: [smi] }).query()).toMatchObject({ kind: 'exited', exitCode: 18, header: null, stdout: expect.stringContaining('mismatch') });
  });

  it('gives up on a hung driver after the timeout', async () => {
    const smi = script('smi-hang', 'exec sleep 5');
    const started = Date.now();
    expect(await new NvidiaSmiCli({ candidates: [smi], timeoutMs: 300 }).query()).toEqual({ kind: 'timeout', seconds: 1 });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('knows where WSL2 and Windows keep nvidia-smi', () => {
    expect(nvidiaSmiCandidates('linux')).toContain('/usr/lib/wsl/lib/nvidia-smi');
    expect(nvidiaSmiCandidates('win32', { SystemRoot: 'D:\\Win' })).toContain(join('D:\\Win', 'System32', 'nvidia-smi.exe'));
  });
});
