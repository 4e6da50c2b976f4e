import { writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGES } from '../renderer/src/stores/ui-slice.js';
import { expect, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';


test('every page renders without console errors, with a screenshot each', async ({ page, daemon }) => {
  const errors = watchConsole(page);
  await page.goto(daemon.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  // The token is taken out of the address bar once read.
  expect(page.url()).not.toContain('token=');
  for (const entry of PAGES) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: entry.label, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: entry.label })).toBeVisible();
    await expect(page.locator('body')).not.toContainText(/lorem ipsum|undefined|\[object Object\]/i);
    await expect(page.locator('body')).not.toContainText(/\bNaN\b/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    expect(overflow, `${entry.id} overflows horizontally`).toBe(false);
    await saveScreenshot(page, `page-${entry.id}`);
  }
  expect(errors).toEqual([]);
});

test('the dashboard shows the no-GPU state with its reason on a machine without a GPU', async ({ page, daemon }) => {
  await page.goto(daemon.url);
  const reason = page.getByTestId('gpu-reason');
  await expect(reason).toBeVisible();
  await expect(reason).not.toBeEmpty();
  // The scheduler's sentence is on the dashboard too, once its first sample is in.
  await expect(page.getByTestId('dashboard-right-now').getByRole('heading')).not.toHaveText('Starting the scheduler…');
});

test('API calls without the token get 401', async ({ request, daemon }) => {
  const anonymous = await request.post(`${daemon.origin}/api/rpc/getState`, { data: {} });
  expect(anonymous.status()).toBe(401);
  const wrong = await request.post(`${daemon.origin}/api/rpc/getState`, { data: {}, headers: { authorization: 'Bearer nope' } });
  expect(wrong.status()).toBe(401);
  const ok = await request.post(`${daemon.origin}/api/rpc/getState`, { data: {}, headers: { authorization: `Bearer ${daemon.token}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).ok).toBe(true);
});

test('a page opened without the token says how to get in', async ({ page, daemon }) => {
  await page.goto(daemon.origin);
  await expect(page.getByRole('alert').filter({ hasText: 'not signed in' })).toBeVisible();
});

test('a garbage settings file is kept aside and the UI says where it went', async ({ page, dataDir }) => {
  writeFileSync(join(dataDir, 'settings.json'), '{"schemaVersion": 1, "general": {"closeToTray": "maybe"} garbage');
  const daemon = await startDaemon(dataDir);
  try {
    const kept = readdirSync(dataDir).filter((name) => name.startsWith('settings.json.invalid-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dataDir, kept[0]!), 'utf8')).toContain('garbage');
    await page.goto(daemon.url);
    const notice = page.locator('[data-notice="settings-reset"]');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText(kept[0]!);
    await saveScreenshot(page, 'settings-reset-notice');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('checkbox', { name: /Keep running in the tray/ })).toBeChecked();
  } finally {
    daemon.process.kill('SIGTERM');
  }
});

test('settings changed in the UI persist across a restart', async ({ page, dataDir }) => {
  let daemon = await startDaemon(dataDir);
  await page.goto(daemon.url);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const box = page.getByRole('checkbox', { name: /Start Offhours when I sign in/ });
  await expect(box).not.toBeChecked();
  await box.check();
  await expect(box).toBeChecked();
  daemon.process.kill('SIGTERM');
  await new Promise((resolve) => daemon.process.once('exit', resolve));
  daemon = await startDaemon(dataDir);
  try {
    await page.goto(`${daemon.url}#/settings`);
    await expect(page.getByRole('checkbox', { name: /Start Offhours when I sign in/ })).toBeChecked();
  } finally {
    daemon.process.kill('SIGTERM');
  }
});

test('Settings shows the version, where updates come from, and the log file to copy', async ({ page, context, daemon }) => {
  const errors = watchConsole(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.origin });
  const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  await page.goto(`${daemon.url}#/settings`);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('app-version')).toHaveText(`Offhours ${version}`);
  // Headless is installed by a package or an AppImage: it says so and pretends no updater.
  await expect(page.getByTestId('update-line')).toHaveText('Updates come from your package manager (deb) or a new AppImage; this service does not update itself.');
  // A browser cannot open a folder on the rig (it may be another machine): the path comes with a copy button.
  await expect(page.getByTestId('log-path')).toHaveCount(0);
  await page.getByRole('button', { name: 'Reveal logs' }).click();
  const logFile = join(daemon.dataDir, 'logs', 'offhours.log');
  await expect(page.getByTestId('log-path')).toHaveText(logFile);
  await expect(page.getByText('The log file on the PC running Offhours:')).toBeVisible();
  await page.getByRole('button', { name: 'Copy path' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(logFile);
  await saveScreenshot(page, 'settings-version-logs');
  expect(errors).toEqual([]);
});
