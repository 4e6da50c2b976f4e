import { _electron as electron, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, markSetupDone, REPO_ROOT, saveScreenshot, test, watchConsole } from './fixtures.js';

/** The Electron binary: ELECTRON_OVERRIDE_DIST_PATH (a folder holding it) or a normal npm install. */
function electronBinary(): string | null {
  const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  const dirs = [process.env.ELECTRON_OVERRIDE_DIST_PATH, join(REPO_ROOT, 'node_modules', 'electron', 'dist')].filter((dir): dir is string => Boolean(dir));
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

const binary = electronBinary();
const built = ['dist/electron/main/main.js', 'dist/electron/preload/preload.cjs', 'dist/renderer/index.html'].every((file) => existsSync(join(REPO_ROOT, file)));
const SKIP_LINE = 'SKIPPED: Electron end-to-end tests — no Electron binary on this machine (set ELECTRON_OVERRIDE_DIST_PATH)';
if (!binary) process.stdout.write(`\n${'='.repeat(SKIP_LINE.length)}\n${SKIP_LINE}\n${'='.repeat(SKIP_LINE.length)}\n\n`);

/** electron/main/main.ts ShellTestHook, as seen from the test (OFFHOURS_E2E=1). */
interface ShellHook {
  trayAlive(): boolean;
  trayStatusLine(): string | null;
  trayMenu(): Array<{ label: string; enabled: boolean }>;
  clickTray(label: string): boolean;
}

/** What the bridge's getSettings answers, as far as these tests read it. */
type BridgeSettings = { general: { launchAtLogin: boolean }; schedule: { pausedUntil: string | null } };

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, SKIP_LINE);
  let app: ElectronApplication;
  let profile: string;

  test.beforeEach(async () => {
    expect(built, 'run "npm run build" first').toBe(true);
    profile = mkdtempSync(join(tmpdir(), 'offhours-electron-'));
    // These tests are about the shell, not the first run: start past the setup wizard.
    markSetupDone(profile);
    app = await electron.launch({
      executablePath: binary!,
      args: [REPO_ROOT, '--no-sandbox'],
      cwd: REPO_ROOT,
      // XDG_CONFIG_HOME: on Linux the sign-in entry is an XDG autostart file; it goes to the test's profile, not the real one.
      env: { ...process.env, OFFHOURS_DATA_DIR: profile, OFFHOURS_E2E: '1', XDG_CONFIG_HOME: join(profile, 'xdg-config') },
    });
  });

  test.afterEach(async () => {
    await app?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('opens a hardened window with window.offhours, the dashboard and a tray', async () => {
    const page = await app.firstWindow();
    const errors = watchConsole(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    // Exactly one bridge object, and no Node inside the page.
    const bridge = await page.evaluate(() => {
      const g = globalThis as { offhours?: Record<string, unknown>; require?: unknown; process?: unknown };
      return { methods: Object.keys(g.offhours ?? {}).sort(), require: typeof g.require, process: typeof g.process };
    });
    expect(bridge.methods).toEqual(expect.arrayContaining(['getState', 'detectGpus', 'getSettings', 'updateSettings', 'runDoctor', 'onState']));
    expect(bridge.require).toBe('undefined');
    expect(bridge.process).toBe('undefined');
    const state = await page.evaluate(async () => (await (globalThis as unknown as { offhours: { getState(): Promise<{ mode: string }> } }).offhours.getState()).mode);
    expect(state).toBe('desktop');
    await expect(page.getByTestId('usable-gpus')).not.toHaveText('…');
    // Isolation: the page's globals are not the preload's (ipcRenderer never reaches the page).
    expect(await page.evaluate(() => 'ipcRenderer' in globalThis || 'electron' in globalThis)).toBe(false);
    const tray = await app.evaluate(() => {
      const hook = (globalThis as { __offhoursShell?: ShellHook }).__offhoursShell;
      return hook ? { alive: hook.trayAlive(), status: hook.trayStatusLine() } : null;
    });
    expect(tray?.alive).toBe(true);
    expect(tray?.status).toMatch(/\w/);
    await saveScreenshot(page, 'electron-dashboard');
    expect(errors).toEqual([]);
  });

  test('new windows and navigation away from the app are refused', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const before = page.url();
    // Watch from the main process, after the app's own handlers: every window created, every navigation attempted.
    await app.evaluate(({ app: electronApp, BrowserWindow }) => {
      const seen = { created: 0, navigations: [] as string[] };
      (globalThis as { __probe?: typeof seen }).__probe = seen;
      electronApp.on('browser-window-created', () => seen.created++);
      BrowserWindow.getAllWindows()[0]!.webContents.on('will-navigate', (_event, url) => seen.navigations.push(url));
    });
    await page.evaluate(() => {
      // window.open is synchronous: the main process's open handler has answered before it returns.
      (globalThis as unknown as { open(url: string): unknown }).open('https://example.com');
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com';
    });
    const probe = () => app.evaluate(() => (globalThis as { __probe?: { created: number; navigations: string[] } }).__probe!);
    // The navigation reached the main process (and its will-navigate handler, registered first, answered it).
    await expect.poll(async () => (await probe()).navigations).toContain('https://example.com/');
    // The page still answers on the same document.
    expect(await page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)).toBe(before);
    expect((await probe()).created).toBe(0);
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toBe(before);
  });

  test('the Settings toggle adds and removes the OS sign-in entry', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const box = page.getByRole('checkbox', { name: /Start Offhours when I sign in/ });
    await expect(box).not.toBeChecked();
    const autostartFile = join(profile, 'xdg-config', 'autostart', 'offhours.desktop');
    // Windows and macOS: Electron's login item (read back with the same --hidden argument it was set with); Linux: the XDG autostart entry.
    const signInEntry = async (): Promise<boolean> =>
      process.platform === 'linux' ? existsSync(autostartFile) : app.evaluate(({ app: electronApp }) => electronApp.getLoginItemSettings({ args: ['--hidden'] }).openAtLogin);
    expect(await signInEntry()).toBe(false);
    await box.check();
    await expect.poll(signInEntry).toBe(true);
    if (process.platform === 'linux') expect(readFileSync(autostartFile, 'utf8')).toMatch(/^Exec=.*--hidden$/m);
    await box.uncheck();
    await expect.poll(signInEntry).toBe(false);
    const settings = await page.evaluate(async () => (await (globalThis as unknown as { offhours: { getSettings(): Promise<BridgeSettings> } }).offhours.getSettings()).general.launchAtLogin);
    expect(settings).toBe(false);
  });

  test('the tray menu pauses and resumes earning', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const tray = () => app.evaluate(() => {
      const hook = (globalThis as { __offhoursShell?: ShellHook }).__offhoursShell!;
      return { menu: hook.trayMenu(), status: hook.trayStatusLine() };
    });
    const click = (label: string) => app.evaluate((_electron, item) => (globalThis as { __offhoursShell?: ShellHook }).__offhoursShell!.clickTray(item), label);
    const pausedUntil = () => page.evaluate(async () => (await (globalThis as unknown as { offhours: { getSettings(): Promise<BridgeSettings> } }).offhours.getSettings()).schedule.pausedUntil);
    const enabled = async (label: string) => (await tray()).menu.find((item) => item.label === label)?.enabled ?? null;
    // Pausing needs the scheduler's first sample; the menu enables it then.
    await expect.poll(() => enabled('Pause for 1 hour')).toBe(true);
    const labels = (await tray()).menu.map((item) => item.label);
    expect(labels.slice(2)).toEqual(['Pause for 1 hour', 'Pause until tomorrow', 'Resume earning', 'Open Offhours', 'Quit Offhours']);
    expect(await enabled('Resume earning')).toBe(false);
    expect(await pausedUntil()).toBeNull();
    expect(await click('Pause for 1 hour')).toBe(true);
    await expect.poll(pausedUntil).not.toBeNull();
    const until = Date.parse((await pausedUntil())!);
    expect(until - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    await expect.poll(async () => (await tray()).status).toMatch(/^Paused/);
    await expect.poll(() => enabled('Resume earning')).toBe(true);
    expect(await enabled('Pause for 1 hour')).toBe(false);
    expect(await click('Resume earning')).toBe(true);
    await expect.poll(pausedUntil).toBeNull();
    await expect.poll(async () => (await tray()).status).not.toMatch(/^Paused/);
  });

  test('Settings shows the version and the update line of a development copy', async () => {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const version = await app.evaluate(({ app: electronApp }) => electronApp.getVersion());
    expect(version).toBe((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    await expect(page.getByTestId('app-version')).toHaveText(`Offhours ${version}`);
    // Run from the checkout, not installed: electron-updater has no feed here, and the line says so instead of pretending.
    expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(false);
    await expect(page.getByTestId('update-line')).toHaveText('This is a development copy: it does not update itself.');
    await expect(page.getByRole('button', { name: 'Reveal logs' })).toBeVisible();
    await saveScreenshot(page, 'electron-settings');
  });
});
