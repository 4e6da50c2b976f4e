import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_IMAGE } from '../../../coordinator/config.js';
import type { CoordinatorStore } from '../../../coordinator/db/store.js';
import { jobRequest, readyProvider } from '../../../coordinator/db/test-support/fixtures.js';
import { startCoordinator } from '../../../coordinator/service.js';
import { AdminJobSchema, CoordinatorStatusSchema, ProviderStatementSchema, type ProviderStatement } from '../../../protocol/network.js';
import { UsageError } from '../cli-kit.js';
import { captureCliOutput, type CliCapture } from './test-support/cli-run.js';
import { coordinatorCommand, formatStatement, parseStatementArgs } from './coordinator.js';
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
  let cli: CliCapture;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offhours-cli-coordinator-'));
    cli = captureCliOutput();
  });
  afterEach(() => {
    cli.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, prints one ready line, answers status and submit, and cleans up on SIGTERM', async () => {
    const running = coordinatorCommand.run(['--port', '0', '--data-dir', dir, '--embedded', '--demo-image', IMAGE]);
    await expect.poll(() => cli.stdout.includes('"ready":true'), { timeout: 60_000, interval: 100 }).toBe(true);
    const ready = JSON.parse(cli.stdout.trim().split('\n')[0]!) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, database: 'pglite', adminTokenFile: join(dir, 'admin-token') });
    expect(String(ready.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = join(dir, 'coordinator.json');
    expect(JSON.parse(readFileSync(info, 'utf8'))).toEqual({ url: ready.url, pid: process.pid, adminTokenFile: join(dir, 'admin-token') });
    expect(statSync(info).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'admin-token')).mode & 0o777).toBe(0o600);

    cli.clear();
    expect(await coordinatorCommand.run(['status', '--json', '--data-dir', dir])).toBe(0);
    const status = CoordinatorStatusSchema.parse(JSON.parse(cli.stdout));
    expect(status.network).toMatchObject({ kind: 'local-test', tokenHasValue: false });
    cli.clear();
    expect(await coordinatorCommand.run(['status', '--url', String(ready.url), '--admin-token-file', join(dir, 'admin-token')])).toBe(0);
    expect(cli.stdout).toMatch(/Local test network .*tokens have no value/);

    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
    cli.clear();
    expect(await submitCommand.run([specFile, '--coordinator', String(ready.url), '--admin-token-file', join(dir, 'admin-token'), '--json', '--budget', '500'])).toBe(0);
    const job = AdminJobSchema.parse(JSON.parse(cli.stdout));
    expect(job).toMatchObject({ state: 'queued', budget: '500', image: IMAGE, pricePerSecond: '10' });

    writeFileSync(join(dir, 'wrong-token'), 'w'.repeat(40), { mode: 0o600 });
    expect(await submitCommand.run([specFile, '--coordinator', String(ready.url), '--admin-token-file', join(dir, 'wrong-token')])).toBe(1);
    expect(cli.stderr).toMatch(/admin token/);

    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(existsSync(info)).toBe(false);
    expect(await coordinatorCommand.run(['status', '--data-dir', dir])).toBe(3);
    expect(cli.stderr).toMatch(/No coordinator is running/);
  }, 120_000);

  it('refuses bad options with exit 2 and names the problem', async () => {
    expect(await coordinatorCommand.run(['--port', 'eighty', '--data-dir', dir])).toBe(2);
    expect(cli.stderr).toMatch(/--port must be a whole number/);
    expect(await coordinatorCommand.run(['--demo-image', 'busybox:latest', '--data-dir', dir])).toBe(2);
    expect(cli.stderr).toMatch(/pinned by digest/);
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

describe('offhours coordinator statement', () => {
  const WALLET = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
  const SIGNATURE = '4'.repeat(88);

  it('takes exactly one well-formed PROVIDER_ID, and the usual ways to find the coordinator', () => {
    expect(parseStatementArgs(['prv_1', '--json', '--data-dir', '/d'])).toMatchObject({ providerId: 'prv_1', values: { json: true, 'data-dir': '/d' } });
    expect(parseStatementArgs(['--url', 'http://x', '--admin-token-file', 'f', 'prv_2'])).toMatchObject({ providerId: 'prv_2', values: { url: 'http://x', json: false } });
    expect(() => parseStatementArgs([])).toThrow(UsageError);
    expect(() => parseStatementArgs(['prv_1', 'prv_2'])).toThrow(/exactly one PROVIDER_ID/);
    expect(() => parseStatementArgs(['../prv'])).toThrow(/not a provider id/);
    expect(() => parseStatementArgs(['prv_1', '--limit', '5'])).toThrow(UsageError);
  });

  it('prints one line per receipt, payable or paid with its transaction, and the sum', () => {
    const statement: ProviderStatement = {
      providerId: 'prv_1',
      payoutAddress: WALLET,
      receipts: [
        { receiptId: 'rc_a', jobId: 'job_a', attempt: 1, startedAt: '2030-01-01T00:00:00.000Z', endedAt: '2030-01-01T00:00:05.000Z', seconds: 5, ratePerSecond: '10', amount: '50', payoutBatchId: 'po_1', payoutState: 'paid', payoutSignature: SIGNATURE },
        { receiptId: 'rc_b', jobId: 'job_b', attempt: 2, startedAt: null, endedAt: '2030-01-01T00:01:00.000Z', seconds: 0, ratePerSecond: '10', amount: '0', payoutBatchId: null, payoutState: null, payoutSignature: null },
      ],
      nextCursor: null,
    };
    const lines = formatStatement(statement).trimEnd().split('\n');
    expect(lines[0]).toBe(`Statement of provider prv_1 (${WALLET}): 2 receipt(s), 50 base units in all.`);
    expect(lines[1]).toMatch(/^ {2}Receipt +Job +Run +Started +Ended +Seconds +Rate\/s +Amount +Payout +State +Transaction$/);
    expect(lines[2]).toMatch(new RegExp(`^ {2}rc_a +job_a +1 +2030-01-01T00:00:00.000Z +2030-01-01T00:00:05.000Z +5 +10 +50 +po_1 +paid +${SIGNATURE}$`));
    expect(lines[3]).toMatch(/^ {2}rc_b +job_b +2 +- +2030-01-01T00:01:00.000Z +0 +10 +0 +- +payable +-$/);
    expect(formatStatement({ ...statement, payoutAddress: '', receipts: [] })).toBe('Statement of provider prv_1 (no payout address): 0 receipt(s), 0 base units in all.\n');
  });

  /** A provider that ran one job for 3 s at 10 a second: one receipt of 30, not yet in any payout. */
  async function oneReceipt(store: CoordinatorStore): Promise<{ providerId: string; jobId: string }> {
    const now = new Date();
    const { provider } = await readyProvider(store, { key: 7, now });
    const providerId = provider.providerId;
    const job = await store.submitJob(jobRequest({ perSecond: '10' }), 'buyer', now);
    const [offer] = await store.matchQueuedJobs(now, { limit: 10, offerTtlMs: 60_000 });
    await store.answerOffer(offer!.offerId, providerId, true, null, now);
    const status = { jobId: job.jobId, providerId, reportedAt: now, exitCode: 0, workedSeconds: null, outputDigest: null, message: null };
    await store.recordJobStatus({ ...status, status: 'started' }, now);
    await store.recordJobStatus({ ...status, status: 'finished' }, new Date(now.getTime() + 3_000));
    return { providerId, jobId: job.jobId };
  }

  describe('against a coordinator, running and then stopped', () => {
    let dir = '';
    let cli: CliCapture;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'offhours-cli-statement-'));
      cli = captureCliOutput();
    });
    afterEach(() => {
      cli.restore();
      rmSync(dir, { recursive: true, force: true });
    });

    it('asks the running one over --url, then reads the stopped one’s folder itself', async () => {
      const config = { host: '127.0.0.1', port: 0, dataDir: dir, databaseUrl: null, adminTokenFile: join(dir, 'admin-token'), embedded: true, demoImage: DEFAULT_DEMO_IMAGE, benchTargetMs: 100, receiptKeyFile: join(dir, 'receipt-key'), payouts: { mode: 'off' as const } };
      const running = await startCoordinator(config, { demoFeed: false, maintenance: { matching: false }, log: () => {} });
      const { providerId, jobId } = await oneReceipt(running.store).catch(async (error: unknown) => {
        await running.close();
        throw error;
      });
      try {
        const api = ['--url', running.url, '--admin-token-file', join(dir, 'admin-token')];
        expect(await coordinatorCommand.run(['statement', providerId, '--json', ...api])).toBe(0);
        const overApi = ProviderStatementSchema.parse(JSON.parse(cli.stdout));
        expect(overApi.receipts).toEqual([expect.objectContaining({ jobId, seconds: 3, amount: '30', payoutBatchId: null, payoutState: null })]);
        cli.clear();
        expect(await coordinatorCommand.run(['statement', providerId, ...api])).toBe(0);
        expect(cli.stdout).toMatch(new RegExp(`^Statement of provider ${providerId} \\(no payout address\\): 1 receipt\\(s\\), 30 base units in all\\.`));
        expect(await coordinatorCommand.run(['statement', 'prv_nobody', ...api])).toBe(1);
        expect(cli.stderr).toMatch(/No provider "prv_nobody" is enrolled/);
      } finally {
        await running.close();
      }

      cli.clear();
      expect(await coordinatorCommand.run(['statement', providerId, '--json', '--data-dir', dir])).toBe(0);
      expect(ProviderStatementSchema.parse(JSON.parse(cli.stdout)).receipts).toHaveLength(1);
      const empty = mkdtempSync(join(tmpdir(), 'offhours-cli-statement-empty-'));
      try {
        expect(await coordinatorCommand.run(['statement', providerId, '--data-dir', empty])).toBe(3);
        expect(cli.stderr).toMatch(/No coordinator data in/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    }, 120_000);
  });
});
