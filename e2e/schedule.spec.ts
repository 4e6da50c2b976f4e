import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, REPO_ROOT, saveScreenshot, startDaemon, test, watchConsole } from './fixtures.js';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), ...args]).then(
  (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
  (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
);

/**
 * The owner as X11 reports them: the real xprintidle adapter runs a stand-in `xprintidle` that says the
 * last input was 60 s ago (this machine has no X server). With the default 5 min threshold: "using the PC".
 */
const stubDirs: string[] = [];
function ownerAt60sIdle(): NodeJS.ProcessEnv {
  const bin = mkdtempSync(join(tmpdir(), 'offhours-xprintidle-'));
  stubDirs.push(bin);
  writeFileSync(join(bin, 'xprintidle'), '#!/bin/sh\necho 60000\n', { mode: 0o755 });
  return { OFFHOURS_IDLE_SOURCE: 'x11', DISPLAY: ':99', PATH: `${bin}:${process.env.PATH}` };
}
test.afterAll(() => stubDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('paint the week, change the idle threshold, reload: choices persist and the sentence follows', async ({ page, dataDir }) => {
  const errors = watchConsole(page);
  const daemon = await startDaemon(dataDir, [], ownerAt60sIdle());
  try {
    await page.goto(`${daemon.url}#/schedule`);
    await expect(page.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
    const now = page.getByTestId('right-now');
    const next = page.getByTestId('right-next');
    await expect(now).toHaveText('Waiting: you are using the PC');
    await expect(next).toContainText('Starts after 5 min without input');
    await expect(next).toContainText('in 4 minutes');

    await page.locator('select[name="idleMinutes"]').selectOption('10');
    await expect(next).toContainText('Starts after 10 min without input');

    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect(page.getByTestId('hours-chosen')).toHaveText('0 hours a week');
    await expect(now).toHaveText('Waiting: outside the hours you chose');
    await expect(next).toHaveText('No hours are chosen — paint some hours on the Schedule page');

    // Drag from 08:00 to 10:00 on the day after tomorrow (the daemon and the browser share this machine's zone).
    const day = await page.evaluate(() => (new Date().getDay() + 6 + 2) % 7);
    const from = page.locator(`[data-cell="${day * 48 + 16}"]`);
    const to = page.locator(`[data-cell="${day * 48 + 20}"]`);
    await from.hover();
    await page.mouse.down();
    await page.locator(`[data-cell="${day * 48 + 18}"]`).hover();
    await to.hover();
    await page.mouse.up();
    await expect(page.getByTestId('hours-chosen')).toHaveText('2.5 hours a week');
    const dayName = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][day];
    await expect(next).toHaveText(`Available from ${dayName} 08:00 — you chose those hours`);
    await saveScreenshot(page, 'schedule-painted');

    await page.getByRole('textbox', { name: 'Program name of a game' }).fill('MyIndieGame.exe');
    await page.getByRole('button', { name: 'Add game' }).click();
    await expect(page.getByTestId('extra-games')).toContainText('MyIndieGame.exe');

    await page.reload();
    await expect(page.getByTestId('extra-games')).toContainText('MyIndieGame.exe');
    await expect(page.getByTestId('hours-chosen')).toHaveText('2.5 hours a week');
    await expect(page.locator('.week-cell.on')).toHaveCount(5);
    await expect(page.locator(`[data-cell="${day * 48 + 16}"]`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('select[name="idleMinutes"]')).toHaveValue('10');
    await expect(next).toHaveText(`Available from ${dayName} 08:00 — you chose those hours`);

    // Any time again: the idle rule decides, with the new threshold.
    await page.getByRole('button', { name: 'Any time' }).click();
    await expect(now).toHaveText('Waiting: you are using the PC');
    await expect(next).toContainText('Starts after 10 min without input');
    await saveScreenshot(page, 'schedule-waiting');
    expect(errors).toEqual([]);
  } finally {
    daemon.process.kill('SIGTERM');
  }
});

test('quick pause and resume, from the page and from the CLI; offhours status reads the running daemon', async ({ page, dataDir }) => {
  const daemon = await startDaemon(dataDir, [], ownerAt60sIdle());
  try {
    await page.goto(`${daemon.url}#/schedule`);
    const now = page.getByTestId('right-now');
    await expect(now).toHaveText('Waiting: you are using the PC');
    await page.getByRole('button', { name: 'Pause until I resume' }).click();
    await expect(now).toHaveText('Off: you paused earning');
    await expect(page.getByTestId('right-next')).toHaveText('Stays paused until you press Resume');
    await saveScreenshot(page, 'schedule-paused');

    const status = await cli(['status', '--data-dir', dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Off: you paused earning');
    expect(status.stdout).toContain('State: off (paused)');
    const json = await cli(['status', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'off', reason: 'paused' });

    await page.getByRole('button', { name: 'Resume earning' }).click();
    await expect(now).toHaveText('Waiting: you are using the PC');

    const paused = await cli(['pause', '--for', '1h', '--data-dir', dataDir]);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/^Paused until /);
    await expect(now).toHaveText('Off: you paused earning');
    await expect(page.getByTestId('right-next')).toContainText('Resumes at ');
    // The page's button follows a pause made elsewhere (the settings event), not only the sentence (the state).
    await expect(page.getByRole('button', { name: 'Resume earning' })).toBeVisible();
    const resumed = await cli(['resume', '--data-dir', dataDir]);
    expect(resumed.stdout).toContain('Resumed.');
    await expect(now).toHaveText('Waiting: you are using the PC');
    await expect(page.getByRole('button', { name: 'Pause until I resume' })).toBeVisible();
    expect((await cli(['pause', '--for', 'soon', '--data-dir', dataDir])).code).toBe(2);
  } finally {
    daemon.process.kill('SIGTERM');
    await new Promise((resolve) => daemon.process.once('exit', resolve));
  }
  const gone = await cli(['status', '--data-dir', dataDir]);
  expect(gone.code).toBe(3);
  expect(gone.stderr).toContain('Offhours is not running');
});

test('with no way to see the owner it says so, and a dedicated rig no longer waits for them', async ({ page, dataDir }) => {
  const daemon = await startDaemon(dataDir, [], { OFFHOURS_IDLE_SOURCE: 'none' });
  try {
    await page.goto(`${daemon.url}#/schedule`);
    const now = page.getByTestId('right-now');
    await expect(now).toHaveText('Waiting: Offhours cannot tell whether you are at this PC');
    await expect(page.getByTestId('right-next')).toContainText('This is a dedicated rig');
    await page.getByRole('checkbox', { name: /This is a dedicated rig/ }).check();
    // Available, or waiting for the container engine where none runs: either way no longer waiting for the owner.
    await expect(now).toHaveText(/^(Available: ready for work — this is a dedicated rig|Waiting: the container engine is not running)$/);
    await saveScreenshot(page, 'schedule-dedicated-rig');
  } finally {
    daemon.process.kill('SIGTERM');
  }
});
