import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'e2e', 'artifacts');

export interface Daemon {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
}

/**
 * Tests that are not about the first run start as an owner who finished setup: otherwise the setup wizard takes the
 * dashboard's place. A settings file the test wrote keeps its values (setup is added); one that is not JSON stays as it is.
 */
export function markSetupDone(dataDir: string): void {
  const file = join(dataDir, 'settings.json');
  let doc: Record<string, unknown> = { schemaVersion: 1 };
  if (existsSync(file)) {
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
  }
  if (typeof doc !== 'object' || doc === null || 'setup' in doc) return;
  writeFileSync(file, JSON.stringify({ ...doc, setup: { completedAt: '2026-01-01T00:00:00.000Z', skippedAt: null, schedulePreset: null } }), { mode: 0o600 });
}

/** Starts `offhours headless` on a free port with its own data dir and waits for the URL it prints. */
export async function startDaemon(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}, options: { firstRun?: boolean } = {}): Promise<Daemon & { process: ChildProcess }> {
  if (!options.firstRun) markSetupDone(dataDir);
  // Tests that are not about the network must not start the embedded coordinator: they pass their own --network to get one.
  const network = extraArgs.some((arg) => arg === '--network' || arg.startsWith('--network=')) ? [] : ['--network', 'off'];
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'offhours.js'), 'headless', '--port', '0', '--data-dir', dataDir, ...network, ...extraArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not print a URL within 10 s:\n${output}`)), 10_000);
    const check = () => {
      const match = /Open: (http\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return { url, origin: parsed.origin, token: parsed.searchParams.get('token')!, dataDir, output: () => output, process: child };
}

/** Collects console errors and page errors so a test can assert the page stayed clean. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Every test gets a fresh data dir and its own daemon; both are gone afterwards. */
export const test = base.extend<{ dataDir: string; daemon: Daemon }>({
  // Playwright requires a destructuring pattern here even when the fixture depends on nothing.
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'offhours-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  daemon: async ({ dataDir }, use) => {
    const daemon = await startDaemon(dataDir);
    await use(daemon);
    daemon.process.kill('SIGTERM');
    await new Promise((resolve) => daemon.process.once('exit', resolve));
  },
});

export { expect };
