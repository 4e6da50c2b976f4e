import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, REPO_ROOT, saveScreenshot, startDaemon, test, watchConsole, type Daemon } from './fixtures.js';

const run = promisify(execFile);
const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
/** The same address with one character swapped for "0", which base58 does not have. */
const MISTYPED = `${ADDRESS.slice(0, 10)}0${ADDRESS.slice(11)}`;

type SettingsFile = { wallet: { payoutAddress: string | null }; setup: { completedAt: string | null; skippedAt: string | null; schedulePreset: string | null } } & Record<string, unknown>;
const settingsIn = (dir: string) => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as SettingsFile;

/** settings.json without the times setup was finished or skipped: what two ways of answering must agree on. */
function withoutTimes(settings: SettingsFile): unknown {
  return { ...settings, setup: { ...settings.setup, completedAt: settings.setup.completedAt === null ? null : 'set', skippedAt: settings.setup.skippedAt === null ? null : 'set' } };
}

async function stop(daemon: Daemon & { process: ChildProcess }) {
  daemon.process.kill('SIGTERM');
  await new Promise((resolve) => daemon.process.once('exit', resolve));
}

test('first run: the wizard takes the dashboard’s place, refuses a mistyped address, benchmarks, saves, and matches offhours setup', async ({ page, dataDir }) => {
  test.setTimeout(420_000);
  const errors = watchConsole(page);
  const daemon = await startDaemon(dataDir, [], {}, { firstRun: true });
  try {
    await page.goto(daemon.url);
    const wizard = page.getByTestId('setup-wizard');
    await expect(wizard.getByRole('heading', { level: 1, name: 'Start earning' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toHaveCount(0);

    // 1. Cards: this machine has none, and the step says why and what to do, without blocking the way on.
    await expect(wizard.getByRole('heading', { name: 'Your graphics cards' })).toBeVisible();
    await expect(wizard.getByTestId('gpu-reason')).toBeVisible();
    await expect(wizard.getByTestId('gpu-reason').locator('.next')).not.toBeEmpty();
    await expect(wizard).toContainText('You can still finish setup now');
    await saveScreenshot(page, 'setup-1-cards');
    await wizard.getByRole('button', { name: 'Continue' }).click();

    // 2. The quick benchmark on SwiftShader, with live progress.
    await expect(wizard.getByRole('heading', { name: 'Quick benchmark' })).toBeVisible();
    await saveScreenshot(page, 'setup-2-bench-ready');
    await wizard.getByRole('button', { name: 'Start the quick benchmark' }).click();
    const progress = wizard.getByTestId('bench-progress');
    await expect(progress.locator('[data-step="sgemm"][data-status="running"], [data-step="triad"][data-status="running"]').first()).toBeVisible({ timeout: 120_000 });
    await expect(wizard.getByText('You can go on once it finishes.')).toBeVisible();
    await saveScreenshot(page, 'setup-2-bench-progress');
    const result = wizard.getByTestId('setup-bench-result');
    await expect(result).toBeVisible({ timeout: 240_000 });
    await expect(result).toContainText('Computed correctly');
    await expect(result.locator('[data-flag="software"]')).toBeVisible();
    await saveScreenshot(page, 'setup-2-bench-result');
    await wizard.getByRole('button', { name: 'Continue', exact: true }).click();

    // 3. Wallet: a mistyped address is refused in the API's words and nothing is saved; a good one is taken.
    await expect(wizard.getByRole('heading', { name: 'Where should your earnings go?' })).toBeVisible();
    await expect(wizard.getByRole('button', { name: 'Continue' })).toBeDisabled();
    await wizard.getByTestId('setup-wallet-input').fill(MISTYPED);
    await wizard.getByRole('button', { name: 'Use this address' }).click();
    const refusal = wizard.getByTestId('setup-wallet-error');
    await expect(refusal).toContainText('This is not a Solana address: it contains "0" (character 11)');
    await expect(refusal).toContainText('Copy the receiving address again');
    expect(settingsIn(dataDir).wallet.payoutAddress).toBeNull();
    await expect(wizard.getByRole('button', { name: 'Continue' })).toBeDisabled();
    await saveScreenshot(page, 'setup-3-wallet-refused');
    await wizard.getByTestId('setup-wallet-input').fill(ADDRESS);
    await wizard.getByRole('button', { name: 'Use this address' }).click();
    await expect(wizard.getByTestId('setup-wallet-address')).toHaveText(ADDRESS);
    await expect(refusal).toHaveCount(0);
    await saveScreenshot(page, 'setup-3-wallet-set');

    // Any step reached can be visited again from the indicator: the benchmark's result is still there.
    const steps = wizard.getByRole('list', { name: 'Setup steps' });
    await steps.getByRole('button', { name: /Benchmark/ }).click();
    await expect(result).toBeVisible();
    await steps.getByRole('button', { name: /Payout wallet/ }).click();
    await expect(wizard.getByTestId('setup-wallet-address')).toHaveText(ADDRESS);
    await expect(steps.locator('[data-step="schedule"]')).toHaveAttribute('data-state', 'ahead');
    await wizard.getByRole('button', { name: 'Continue' }).click();

    // 4. When to earn.
    await expect(wizard.getByRole('heading', { name: 'When may this PC earn?' })).toBeVisible();
    await expect(wizard.getByRole('radio', { name: /When I’m away/ })).toBeChecked();
    await wizard.getByRole('radio', { name: /Nights/ }).check();
    // Starting with the PC is offered, never pre-ticked.
    await expect(wizard.getByTestId('setup-start-at-login')).not.toBeChecked();
    await saveScreenshot(page, 'setup-4-schedule');
    await wizard.getByRole('button', { name: 'Finish setup' }).click();

    // Done: where to watch it (this dashboard, offhours status) and where earnings show.
    const done = wizard.getByTestId('setup-done');
    await expect(done.getByRole('heading', { name: 'You’re all set' })).toBeVisible();
    await expect(done).toContainText('at night (23:00–07:00)');
    await expect(done).toContainText('This dashboard shows what Offhours is doing');
    await expect(done.getByText('offhours status')).toBeVisible();
    await expect(done).toContainText('Earnings page');
    await expect(page.locator('body')).not.toContainText(/undefined|NaN|\[object Object\]/);
    await saveScreenshot(page, 'setup-5-done');
    await done.getByRole('link', { name: 'Go to the dashboard' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('finish-setup')).toHaveCount(0);

    // Finished for good: a reload goes straight to the dashboard.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(wizard).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    await stop(daemon);
  }

  const viaUi = settingsIn(dataDir);
  expect(viaUi.setup).toMatchObject({ schedulePreset: 'nights', skippedAt: null });
  expect(viaUi.general).toMatchObject({ launchAtLogin: false });
  expect(viaUi.setup.completedAt).not.toBeNull();
  expect(existsSync(join(dataDir, 'bench-history.jsonl'))).toBe(true);

  // The same answers in a terminal, with no Offhours running, give the same settings (the benchmark skipped there).
  const fresh = mkdtempSync(join(tmpdir(), 'offhours-e2e-setup-'));
  try {
    const cli = await run(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), 'setup', '--wallet', ADDRESS, '--schedule', 'nights', '--bench', 'skip', '--yes', '--data-dir', fresh]);
    expect(cli.stdout).toContain('Setup is done.');
    expect(withoutTimes(settingsIn(fresh))).toEqual(withoutTimes(viaUi));
    expect(existsSync(join(fresh, 'bench-history.jsonl'))).toBe(false);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('setup can wait: "Skip for now" leaves a way back on the dashboard and in Settings; a created wallet brings its backup reminder', async ({ page, dataDir }) => {
  const errors = watchConsole(page);
  const daemon = await startDaemon(dataDir, [], {}, { firstRun: true });
  try {
    await page.goto(daemon.url);
    const wizard = page.getByTestId('setup-wizard');
    await wizard.getByRole('button', { name: 'Skip for now' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const banner = page.getByTestId('finish-setup');
    await expect(banner).toBeVisible();
    await saveScreenshot(page, 'setup-skipped-dashboard');
    expect(settingsIn(dataDir).setup).toMatchObject({ completedAt: null, skippedAt: expect.any(String) });

    // Put off, it stays put off across a reload; the banner opens it at the first step.
    await page.reload();
    await expect(banner).toBeVisible();
    await banner.getByRole('button', { name: 'Finish setup' }).click();
    await expect(wizard.getByRole('heading', { name: 'Your graphics cards' })).toBeVisible();
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByRole('button', { name: 'Skip this test' }).click();
    await wizard.getByTestId('setup-wallet-create').click();
    await expect(wizard.getByTestId('setup-wallet-address')).not.toBeEmpty();
    await expect(wizard.getByTestId('wallet-backup-reminder')).toContainText('Back up this wallet now');
    await saveScreenshot(page, 'setup-3-wallet-created');

    // Settings offers it too.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const section = page.getByTestId('settings-setup');
    await expect(section).toContainText('Not finished yet.');
    await section.getByRole('button', { name: 'Finish setup' }).click();
    await expect(wizard.getByRole('heading', { name: 'Your graphics cards' })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await stop(daemon);
  }
});

test('a benchmark that cannot run says what to do and lets the owner retry or go on', async ({ page, dataDir }) => {
  const errors = watchConsole(page);
  // No Vulkan driver at all: Dawn finds no adapter, as on a PC whose graphics driver is broken.
  const daemon = await startDaemon(dataDir, [], { VK_ICD_FILENAMES: join(dataDir, 'no-such-driver.json') }, { firstRun: true });
  try {
    await page.goto(daemon.url);
    const wizard = page.getByTestId('setup-wizard');
    await wizard.getByRole('button', { name: 'Continue' }).click();
    await wizard.getByRole('button', { name: 'Start the quick benchmark' }).click();
    const failure = wizard.getByTestId('bench-error');
    await expect(failure).toBeVisible({ timeout: 60_000 });
    await expect(failure.locator('.next')).not.toBeEmpty();
    await expect(wizard.getByRole('button', { name: 'Try again' })).toBeEnabled();
    await saveScreenshot(page, 'setup-2-bench-failed');
    await wizard.getByRole('button', { name: 'Continue without it' }).click();
    await expect(wizard.getByRole('heading', { name: 'Where should your earnings go?' })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await stop(daemon);
  }
});

test('the other tests start as an owner who finished setup: the dashboard, no wizard', async ({ page, daemon }) => {
  await page.goto(daemon.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('setup-wizard')).toHaveCount(0);
  await expect(page.getByTestId('finish-setup')).toHaveCount(0);
});
