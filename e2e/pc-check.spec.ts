import { expect, saveScreenshot, test, watchConsole } from './fixtures.js';

test('the dashboard PC check runs the doctor through the API and shows every finding with its fix', async ({ page, daemon }) => {
  const errors = watchConsole(page);
  await page.goto(daemon.url);
  const check = page.getByTestId('health-check');
  await check.getByRole('button', { name: 'Check this PC' }).click();
  await expect(check.getByRole('button', { name: 'Check again' })).toBeVisible({ timeout: 60_000 });
  for (const id of ['gpu-found', 'gpu-driver', 'nvidia-smi', 'node-version', 'data-dir', 'webgpu', 'cuda-bench']) {
    await expect(page.getByTestId(`finding-${id}`)).toBeVisible();
  }
  // This machine has no GPU: the card check fails and says what to do; the data folder is fine.
  await expect(page.getByTestId('finding-gpu-found')).toHaveClass(/finding-fail/);
  await expect(page.getByTestId('finding-gpu-found')).toContainText('nvidia.com/drivers');
  await expect(page.getByTestId('finding-data-dir')).toHaveClass(/finding-ok/);
  await expect(page.getByTestId('finding-data-dir')).toContainText(daemon.dataDir);
  await expect(page.locator('body')).not.toContainText(/undefined|NaN|\[object Object\]/);
  await saveScreenshot(page, 'dashboard-pc-check');
  expect(errors).toEqual([]);
});
