import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AdminJobSchema, CoordinatorStatusSchema } from '../../../protocol/network.js';
import { UsageError } from '../cli-kit.js';
import { coordinatorCommand } from './coordinator.js';
import { buildSubmitRequest, submitCommand } from './submit.js';

const IMAGE = `docker.io/library/busybox@sha256:${'b'.repeat(64)}`;
const SPEC = {
  id: 'cli-job',
  image: IMAGE,
  command: ['true'],
  env: {},
  resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 8 },
  maxDurationSeconds: 60,
  network: 'none',
  price: { perSecond: '10' },
};

describe('offhours coordinator and offhours submit', () => {
  let dir = '';
  let out = '';
  let err = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-cli-coordinator-'));
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, prints one ready line, answers status and submit, and cleans up on SIGTERM', async () => {
    const running = coordinatorCommand.run(['--port', '0', '--data-dir', dir, '--embedded', '--demo-image', IMAGE]);
    await expect.poll(() => out.includes('"ready":true'), { timeout: 60_000, interval: 100 }).toBe(true);
    const ready = JSON.parse(out.trim().split('\n')[0]!) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, database: 'pglite', adminTokenFile: join(dir, 'admin-token') });
    expect(String(ready.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = join(dir, 'coordinator.json');
    expect(JSON.parse(readFileSync(info, 'utf8'))).toEqual({ url: ready.url, pid: process.pid, adminTokenFile: join(dir, 'admin-token') });
    expect(statSync(info).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);

    out = '';
    expect(await coordinatorCommand.run(['status', '--json', '--data-dir', dir])).toBe(0);
    const status = CoordinatorStatusSchema.parse(JSON.parse(out));
    expect(status.network).toMatchObject({ kind: 'local-test', tokenHasValue: false });
    out = '';
    expect(await coordinatorCommand.run(['status', '--url', String(ready.url), '--admin-token-file', join(dir, 'admin-token')])).toBe(0);
    expect(out).toMatch(/Local test network .*tokens have no value/);

    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
    out = '';
    expect(await submitCommand.run([specFile, '--coordinator', String(ready.url), '--admin-token-file', join(dir, 'admin-token'), '--json', '--budget', '500'])).toBe(0);
    const job = AdminJobSchema.parse(JSON.parse(out));
    expect(job).toMatchObject({ state: 'queued', budget: '500', image: IMAGE, pricePerSecond: '10' });

    writeFileSync(join(dir, 'wrong-token'), 'w'.repeat(40), { mode: 0o600 });
    expect(await submitCommand.run([specFile, '--coordinator', String(ready.url), '--admin-token-file', join(dir, 'wrong-token')])).toBe(1);
    expect(err).toMatch(/admin token/);

    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(existsSync(info)).toBe(false);
    expect(await coordinatorCommand.run(['status', '--data-dir', dir])).toBe(3);
    expect(err).toMatch(/No coordinator is running/);
  }, 120_000);

  it('refuses bad options with exit 2 and names the problem', async () => {
    expect(await coordinatorCommand.run(['--port', 'eighty', '--data-dir', dir])).toBe(2);
    expect(err).toMatch(/--port must be a whole number/);
    expect(await coordinatorCommand.run(['--demo-image', 'busybox:latest', '--data-dir', dir])).toBe(2);
    expect(err).toMatch(/pinned by digest/);
  });
});

describe('buildSubmitRequest', () => {
  it('takes a bare spec with a budget of price × longest run, or a whole request, with overrides', () => {
    expect(buildSubmitRequest(SPEC, {})).toMatchObject({ budget: '600', requirements: { minThroughputMilliGflops: 0 } });
    const full = { spec: SPEC, requirements: { minThroughputMilliGflops: 7 }, budget: '9' };
    expect(buildSubmitRequest(full, {})).toMatchObject({ budget: '9', requirements: { minThroughputMilliGflops: 7 } });
    expect(buildSubmitRequest(full, { budget: '11', minThroughput: '3' })).toMatchObject({ budget: '11', requirements: { minThroughputMilliGflops: 3 } });
  });

  it('refuses hostile or malformed specs and bad overrides before anything is sent', () => {
    expect(() => buildSubmitRequest({ ...SPEC, privileged: true }, {})).toThrow(/privileged/);
    expect(() => buildSubmitRequest({ ...SPEC, image: 'busybox' }, {})).toThrow(UsageError);
    expect(() => buildSubmitRequest(SPEC, { budget: '-1' })).toThrow(/--budget/);
    expect(() => buildSubmitRequest(SPEC, { minThroughput: '1.5' })).toThrow(/--min-throughput/);
  });
});
