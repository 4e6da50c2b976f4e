import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AdminJobSchema } from '../protocol/network.js';
import { NetworkSliceSchema } from '../protocol/state.js';
import { findTestEngine } from '../electron/core/jobs/test-support/test-engine.js';
import { REPO_ROOT, expect, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';

/**
 * The whole loop on a fresh data folder, with no account anywhere: `offhours headless` starts the embedded network
 * (a local coordinator in its own process), enrols, passes the coordinator-timed benchmark on SwiftShader at the
 * demo rate, becomes available (dedicated rig), receives a demo job and runs it in the real container engine.
 */
const found = await findTestEngine();
const run = promisify(execFile);

function startNetworkDaemon(dataDir: string, options: { payoutAddress?: string } = {}) {
  // A dedicated rig is available whenever the schedule allows (no idle wait); the schedule is "always".
  const settings = { schemaVersion: 1, schedule: { dedicatedRig: true }, ...(options.payoutAddress ? { wallet: { payoutAddress: options.payoutAddress } } : {}) };
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings), { mode: 0o600 });
  return startDaemon(dataDir, ['--network', 'embedded'], {
    OFFHOURS_DEMO_IMAGE: found!.registryImage!,
    // Keep the timed run short on SwiftShader (a real GPU is sized to 5–10 s).
    OFFHOURS_BENCH_TARGET_MS: '1000',
    // Settle every few seconds, so the test sees its payout land soon after the job.
    OFFHOURS_PAYOUT_INTERVAL_S: '3',
  });
}

/** The embedded coordinator as it describes itself in <data>/network/coordinator.json. */
function embeddedCoordinator(dataDir: string): { url: string; pid: number; token: string } {
  const info = JSON.parse(readFileSync(join(dataDir, 'network', 'coordinator.json'), 'utf8')) as { url: string; pid: number; adminTokenFile: string };
  return { url: info.url, pid: info.pid, token: readFileSync(info.adminTokenFile, 'utf8').trim() };
}

async function networkSlice(dataDir: string) {
  const cli = await run(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), 'network', '--json', '--data-dir', dataDir]);
  return NetworkSliceSchema.parse(JSON.parse(cli.stdout));
}

test.describe('Network (embedded)', () => {
  test.skip(!found?.registryImage, 'SKIPPED: no container engine with the local registry image (source .ci/podman.sh)');

  test('enrols, passes the timed benchmark, and runs a demo job from the network', async ({ page, dataDir }) => {
    test.setTimeout(240_000);
    const daemon = await startNetworkDaemon(dataDir);
    try {
      const errors = watchConsole(page);
      await page.goto(daemon.url);
      const card = page.getByTestId('network-card');
      await expect(card).toHaveAttribute('data-connection', 'connected', { timeout: 60_000 });
      await expect(page.getByTestId('network-name')).toContainText('no value');
      await expect(card).toContainText(/demo/i, { timeout: 120_000 });
      await saveScreenshot(page, 'network-dashboard-enrolled');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
      const current = page.getByTestId('current-job');
      await expect(page.getByTestId('job-source')).toHaveAttribute('data-source', 'network', { timeout: 120_000 });
      await expect(page.getByTestId('job-phase')).toHaveText('Running', { timeout: 60_000 });
      await expect(page.getByTestId('job-logs')).not.toBeEmpty();
      await saveScreenshot(page, 'network-jobs-running');
      const jobId = (await current.getByRole('heading').textContent())!.replace(/^Now: job /, '').trim();

      const slice = await networkSlice(dataDir);
      expect(slice.mode).toBe('embedded');
      expect(slice.connection).toBe('connected');
      expect(slice.network?.kind).toBe('local-test');
      expect(slice.network?.tokenHasValue).toBe(false);
      expect(slice.enrolled).toBe(true);
      expect(slice.standing?.benchmark.state).toBe('passed');
      expect(slice.standing?.benchmark.demo).toBe(true);
      expect(slice.standing?.benchmark.throughputMilliGflops).toBeGreaterThan(0);
      expect(slice.providerId).toBe(slice.standing?.providerId);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard', exact: true }).click();
      await expect(page.getByTestId('network-provider')).toContainText(slice.providerId!);
      await saveScreenshot(page, 'network-dashboard-working');
      expect(jobId.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      daemon.process.kill('SIGTERM');
      await new Promise((resolve) => daemon.process.once('exit', resolve));
    }
  });

  // Paid work (receipt, payout on the local Solana, audit, CSV) is e2e/earnings.spec.ts, from the first run on.

  test('the coordinator killed mid-job: the app says it is retrying, the job goes on, the session resumes and the job is recorded once', async ({ page, dataDir }) => {
    test.setTimeout(300_000);
    const daemon = await startNetworkDaemon(dataDir);
    try {
      await page.goto(daemon.url);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
      await expect(page.getByTestId('job-source')).toHaveAttribute('data-source', 'network', { timeout: 150_000 });
      await expect(page.getByTestId('job-phase')).toHaveText('Running', { timeout: 60_000 });
      const jobId = (await page.getByTestId('current-job').getByRole('heading').textContent())!.replace(/^Now: job /, '').trim();
      const before = await networkSlice(dataDir);
      const killed = embeddedCoordinator(dataDir);
      process.kill(killed.pid, 'SIGKILL');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard', exact: true }).click();
      const card = page.getByTestId('network-card');
      await expect(card).toHaveAttribute('data-connection', 'unreachable', { timeout: 30_000 });
      await expect(page.getByTestId('network-message')).toContainText(/unreachable.*retrying/i);
      await saveScreenshot(page, 'network-dashboard-unreachable');
      // The job is the owner's machine's business: it keeps running while the network is away.
      await expect(page.getByTestId('dashboard-right-now')).toContainText('Working on job');

      // The app restarts its embedded network on the same data folder; the session resumes.
      await expect(card).toHaveAttribute('data-connection', 'connected', { timeout: 90_000 });
      const after = await networkSlice(dataDir);
      expect(after.sessionId).toBe(before.sessionId);
      expect(after.providerId).toBe(before.providerId);
      const restarted = embeddedCoordinator(dataDir);
      expect(restarted.pid).not.toBe(killed.pid);

      // The job runs to its end; the coordinator records its final status exactly once.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
      await expect(page.getByTestId('recent-jobs').locator(`tr[data-job="${jobId}"]`)).toContainText('Finished', { timeout: 120_000 });
      await expect
        .poll(async () => {
          const jobs = AdminJobSchema.array().parse(await (await fetch(`${restarted.url}/v1/admin/jobs`, { headers: { authorization: `Bearer ${restarted.token}` } })).json());
          return jobs.find((job) => job.jobId === jobId)?.state;
        }, { timeout: 30_000 })
        .toBe('finished');
      const jobs = AdminJobSchema.array().parse(await (await fetch(`${restarted.url}/v1/admin/jobs`, { headers: { authorization: `Bearer ${restarted.token}` } })).json());
      const history = jobs.find((job) => job.jobId === jobId)!.history;
      expect(history.filter((entry) => entry.state === 'finished')).toHaveLength(1);
    } finally {
      daemon.process.kill('SIGTERM');
      await new Promise((resolve) => daemon.process.once('exit', resolve));
    }
  });
});
