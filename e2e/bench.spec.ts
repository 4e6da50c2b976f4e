import { expect, saveScreenshot, test, watchConsole } from './fixtures.js';

test('a quick benchmark runs in the daemon (Dawn + SwiftShader) with live progress, a result and history', async ({ page, daemon }) => {
  test.setTimeout(150_000);
  const errors = watchConsole(page);
  await page.goto(daemon.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GPUs & Benchmark', exact: true }).click();
  const panel = page.getByTestId('bench-panel');
  await expect(panel.getByRole('heading', { name: 'Benchmark' })).toBeVisible();
  await expect(panel.getByTestId('bench-empty')).toBeVisible();

  await panel.getByRole('button', { name: 'Quick benchmark' }).click();
  const progress = panel.getByTestId('bench-progress');
  await expect(progress).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Full benchmark' })).toBeDisabled();
  // Live per-kernel progress: wait until the matrix multiply step is the one running, then capture it.
  await expect(progress.locator('[data-step="sgemm"][data-status="running"], [data-step="triad"][data-status="running"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(progress.locator('[data-step="fma"]')).toHaveAttribute('data-status', 'done');
  await saveScreenshot(page, 'bench-progress');

  const result = panel.getByTestId('bench-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result).toContainText('Computed correctly');
  await expect(panel.getByTestId('bench-score')).toHaveText('Not scored');
  await expect(result.locator('[data-flag="software"]')).toContainText('Software graphics — not a real GPU, can’t earn');
  for (const kernel of ['fma', 'sgemm', 'triad', 'sgemm_sustained']) {
    await expect(result.locator(`[data-kernel="${kernel}"]`)).toBeVisible();
  }
  await expect(result.locator('[data-kernel="sgemm"]')).toContainText(/GFLOPS/);
  await expect(result.locator('[data-kernel="triad"]')).toContainText(/GB\/s/);
  await expect(panel.getByTestId('bench-history').locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('body')).not.toContainText(/undefined|NaN|\[object Object\]/);
  const overflow = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });
  expect(overflow).toBe(false);
  await saveScreenshot(page, 'bench-result');

  // History lives in the data dir: a reload shows the run again.
  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'GPUs & Benchmark', exact: true }).click();
  await expect(page.getByTestId('bench-history').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('bench-result')).toBeVisible();
  expect(errors).toEqual([]);
});

test('choosing CUDA on a PC without an NVIDIA driver says so and what to do next', async ({ page, daemon }) => {
  const errors = watchConsole(page);
  await page.goto(`${daemon.url}#/gpus`);
  const panel = page.getByTestId('bench-panel');
  await panel.getByRole('combobox', { name: 'Benchmark engine' }).selectOption('cuda');
  await panel.getByRole('button', { name: 'Quick benchmark' }).click();
  const alert = panel.getByTestId('bench-error');
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toContainText(/NVIDIA|CUDA/);
  await expect(alert.locator('.next')).not.toBeEmpty();
  await expect(panel.getByRole('button', { name: 'Quick benchmark' })).toBeEnabled();
  await saveScreenshot(page, 'bench-cuda-missing');
  expect(errors).toEqual([]);
});
