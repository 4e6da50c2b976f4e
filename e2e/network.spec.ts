import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NetworkSliceSchema } from '../protocol/state.js';
import { findTestEngine } from '../electron/core/jobs/test-engine.js';
import { REPO_ROOT, expect, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';

/**
 * The whole loop on a fresh data folder, with no account anywhere: `offhours headless` starts the embedded network
 * (a local coordinator in its own process), enrols, passes the coordinator-timed benchmark on SwiftShader at the
 * demo rate, becomes available (dedicated rig), receives a demo job and runs it in the real container engine.
 */
const found = await findTestEngine();
const run = promisify(execFile);

test.describe('Network (embedded)', () => {
  test.skip(!found?.registryImage, 'SKIPPED: no container engine with the local registry image (source .ci/podman.sh)');

  test('enrols, passes the timed benchmark, and runs a demo job from the network', async ({ page, dataDir }) => {
    test.setTimeout(240_000);
    // A dedicated rig is available whenever the schedule allows (no idle wait); the schedule is "always".
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ schemaVersion: 1, schedule: { dedicatedRig: true } }), { mode: 0o600 });
    const daemon = await startDaemon(dataDir, ['--network', 'embedded'], {
      OFFHOURS_DEMO_IMAGE: found!.registryImage!,
      // Keep the timed run short on SwiftShader (a real GPU is sized to 5–10 s).
      OFFHOURS_BENCH_TARGET_MS: '1000',
    });
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

      const cli = await run(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), 'network', '--json', '--data-dir', dataDir]);
      const slice = NetworkSliceSchema.parse(JSON.parse(cli.stdout));
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
});
