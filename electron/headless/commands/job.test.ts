import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findTestEngine } from '../../core/jobs/test-support/test-engine.js';
import { offhours } from './test-support/cli-run.js';

const found = await findTestEngine();

describe('offhours job run', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-cli-job-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the reason for a refused spec and exits non-zero without touching the engine', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ id: 'x', image: 'ubuntu:latest', command: ['true'] }));
    // An unreachable engine proves nothing was asked of it: refusal comes first.
    vi.stubEnv('DOCKER_HOST', `unix://${dir}/none.sock`);
    const refused = await offhours('job', 'run', file, '--data-dir', join(dir, 'data'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Refused \(unpinned-image\)/);
    vi.unstubAllEnvs();
  });

  it('rejects bad usage with the usage line and exit code 2', async () => {
    const wrong = await offhours('job', 'launch');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/verb "run"[\s\S]*Usage: offhours job run/);
  });

  it.skipIf(!found)('runs a spec through the same path and prints logs, outcome and output digest', async () => {
    const pinned = (await found!.engine.inspectImage(found!.localImage))!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
    const file = join(dir, 'ok.json');
    const spec = { id: `cli-${Date.now().toString(36)}`, image: pinned, command: ['/bin/sh', '-c', 'echo one; echo two; exit 4'], env: {}, resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 }, maxDurationSeconds: 30, network: 'none', price: { perSecond: '2' } };
    writeFileSync(file, JSON.stringify(spec));
    const run = await offhours('job', 'run', file, '--data-dir', join(dir, 'data'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('| one');
    expect(run.stdout).toContain('| two');
    expect(run.stdout).toMatch(/Outcome: failed \(exit code 4\)/);
    expect(run.stdout).toMatch(/Output digest \(sha256 of stdout\): [0-9a-f]{64}/);
  });
});
