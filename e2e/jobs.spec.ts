import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABEL_JOB_ID } from '../electron/core/jobs/ports.js';
import { findTestEngine } from '../electron/core/jobs/test-support/test-engine.js';
import { expect, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';

/** The Jobs page against a real Podman/Docker engine (`source .ci/podman.sh`). */
const found = await findTestEngine();

function spec(id: string, image: string, script: string, maxDurationSeconds = 120): string {
  return JSON.stringify({
    id,
    image,
    command: ['/bin/sh', '-c', script],
    env: {},
    resources: { gpus: 0, minVramMiB: 0, cpuMillis: 500, memoryMiB: 64, scratchMiB: 16 },
    maxDurationSeconds,
    network: 'none',
    price: { perSecond: '1500' },
  });
}

test.describe('Jobs page', () => {
  test.skip(!found, 'SKIPPED: no container engine (source .ci/podman.sh)');

  test('pulling from the local registry shows byte progress, live logs, then the outcome', async ({ page, daemon }) => {
    const { engine, registryImage } = found!;
    test.skip(!registryImage, 'SKIPPED: no local registry image (source .ci/podman.sh)');
    // Start from a machine without the image, so it really downloads.
    const stale = await engine.inspectImage(registryImage!);
    if (stale) await engine.removeImage(stale.id);

    const errors = watchConsole(page);
    await page.goto(daemon.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
    await expect(page.getByTestId('engine-status')).toContainText('Ready');
    await expect(page.getByTestId('current-job')).toContainText('No job is running');

    const id = `e2e-pull-${Date.now().toString(36)}`;
    await page.getByLabel('Job spec (JSON)').fill(spec(id, registryImage!, 'echo blob is $(wc -c < /data/blob) bytes; i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 0.1; done'));
    await page.getByRole('button', { name: 'Run test job' }).click();
    await expect(page.getByTestId('test-job-result')).toContainText(`Started job ${id}`);

    const progress = page.getByTestId('pull-progress');
    await expect(progress).toContainText(/Downloaded [\d.]+ MB of [\d.]+ MB \(1 of 1 layer\)/);
    await expect(page.getByTestId('job-phase')).toHaveText('Running');
    await expect(page.getByTestId('job-logs')).toContainText('blob is 4194304 bytes');
    await expect(page.getByTestId('job-logs')).toContainText('tick 5');
    await saveScreenshot(page, 'jobs-pull-progress');

    await page.getByRole('button', { name: 'Stop this job' }).click();
    await expect(page.getByTestId('current-job')).toContainText('No job is running', { timeout: 30_000 });
    const row = page.getByTestId('recent-jobs').locator(`tr[data-job="${id}"]`);
    await expect(row).toContainText('Stopped');
    await expect(row).toContainText('—');
    await saveScreenshot(page, 'jobs-recent');
    expect((await engine.listManagedContainers()).filter((c) => c.labels[LABEL_JOB_ID] === id)).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('a hostile spec is refused with its reason and never reaches the engine', async ({ page, daemon }) => {
    const { engine } = found!;
    await page.goto(`${daemon.url}#/jobs`);
    await expect(page.getByTestId('engine-status')).toContainText('Ready');
    const before = (await engine.listManagedContainers()).length;
    const hostile = JSON.parse(spec('e2e-hostile', `x@sha256:${'a'.repeat(64)}`, 'true'));
    hostile.binds = ['/:/host'];
    await page.getByLabel('Job spec (JSON)').fill(JSON.stringify(hostile));
    await page.getByRole('button', { name: 'Run test job' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Refused' })).toContainText('mount files or folders of this computer');
    expect((await engine.listManagedContainers()).length).toBe(before);
  });

  test('SIGKILL of the daemon mid-job: the next start removes the container and reports the job interrupted exactly once', async ({ page }) => {
    const { engine, localImage } = found!;
    const pinned = (await engine.inspectImage(localImage))!.repoDigests.find((d) => d.startsWith('localhost/offhours-test@'))!;
    const dataDir = mkdtempSync(join(tmpdir(), 'offhours-e2e-kill-'));
    // Every daemon this test starts is stopped in the end, whatever fails on the way.
    const started: Array<Awaited<ReturnType<typeof startDaemon>>> = [];
    const launch = async () => {
      const d = await startDaemon(dataDir);
      started.push(d);
      return d;
    };
    try {
      let daemon = await launch();
      const id = `e2e-kill-${Date.now().toString(36)}`;
      const headers = { authorization: `Bearer ${daemon.token}` };
      const accepted = await page.request.post(`${daemon.origin}/api/rpc/runLocalJob`, { headers, data: { input: spec(id, pinned, 'i=0; while true; do echo work $i; i=$((i+1)); sleep 0.1; done', 600) } });
      expect((await accepted.json()).value).toEqual({ accepted: true, jobId: id });
      // Let it work for a while, so some work is on record (heartbeats every 5 s).
      await expect
        .poll(async () => ((await (await page.request.post(`${daemon.origin}/api/rpc/getState`, { headers, data: {} })).json()).value.job.current?.elapsedSeconds ?? 0), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(6);
      const [container] = (await engine.listManagedContainers()).filter((c) => c.labels[LABEL_JOB_ID] === id);
      expect(container?.state).toBe('running');

      daemon.process.kill('SIGKILL');
      await new Promise((resolve) => daemon.process.once('exit', resolve));
      // The daemon is gone; its container is an orphan until the next start.
      expect((await engine.inspectContainer(container!.id))?.state).toBe('running');

      daemon = await launch();
      await page.goto(`${daemon.url}#/jobs`);
      const notice = page.locator(`[data-notice="job-interrupted-${id}"]`);
      await expect(notice).toBeVisible();
      await expect(notice).toContainText(/[5-9]\d* s of work|\d{2,} s of work/);
      const row = page.getByTestId('recent-jobs').locator(`tr[data-job="${id}"]`);
      await expect(row).toContainText('Interrupted');
      await expect.poll(async () => engine.inspectContainer(container!.id)).toBeNull();
      await saveScreenshot(page, 'jobs-interrupted');
      daemon.process.kill('SIGTERM');
      await new Promise((resolve) => daemon.process.once('exit', resolve));

      // Exactly once: a further restart has the record but no new report.
      daemon = await launch();
      await page.goto(`${daemon.url}#/jobs`);
      await expect(page.getByTestId('recent-jobs').locator(`tr[data-job="${id}"]`)).toContainText('Interrupted');
      await expect(page.locator(`[data-notice="job-interrupted-${id}"]`)).toHaveCount(0);
      daemon.process.kill('SIGTERM');
      await new Promise((resolve) => daemon.process.once('exit', resolve));
    } finally {
      for (const d of started) if (d.process.exitCode === null && d.process.signalCode === null) d.process.kill('SIGKILL');
      for (const c of await engine.listManagedContainers()) if (c.labels[LABEL_JOB_ID]?.startsWith('e2e-kill-')) await engine.removeContainer(c.id);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
