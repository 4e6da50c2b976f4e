/**
 * Electron's security checklist, asserted without an Electron binary: the shell's modules run against a recording
 * stand-in for the `electron` module, so what they ask Electron to do is checked here (the Electron e2e spec checks
 * the real thing where a binary exists).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderHandlers } from '../../protocol/api.js';
import { CONTENT_SECURITY_POLICY, windowWebPreferences } from './security.js';

type Listener = (...args: unknown[]) => unknown;

const recorded = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; events: Map<string, (...args: unknown[]) => unknown>; openHandler: ((details: { url: string }) => unknown) | null }[],
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  exposed: [] as { key: string; api: unknown }[],
  opened: [] as string[],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    readonly webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const entry = { options, events: new Map<string, Listener>(), openHandler: null as ((details: { url: string }) => unknown) | null };
      recorded.windows.push(entry);
      this.webContents = {
        setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => (entry.openHandler = handler),
        on: (event: string, listener: Listener) => entry.events.set(event, listener),
      };
    }
    once(): void {}
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    session: { defaultSession: null },
    shell: { openExternal: (url: string) => void recorded.opened.push(url) },
    // eslint-disable-next-line no-restricted-syntax -- the stand-in for Electron's module has to offer what ipc.ts imports
    ipcMain: {
      handle: (channel: string, listener: Listener) => recorded.handlers.set(channel, listener),
      removeHandler: (channel: string) => recorded.handlers.delete(channel),
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.push({ key, api }) },
    // eslint-disable-next-line no-restricted-syntax -- the same for what the preload imports
    ipcRenderer: { invoke: () => Promise.resolve(null), on: () => undefined, removeListener: () => undefined },
  };
});

const INDEX = 'file:///opt/Offhours/resources/app.asar/dist/renderer/index.html';

beforeEach(() => {
  recorded.windows.length = 0;
  recorded.handlers.clear();
  recorded.exposed.length = 0;
  recorded.opened.length = 0;
});

describe('the app window', () => {
  it('is isolated, sandboxed, without Node, and loads nothing insecure (every field spelled out)', () => {
    expect(windowWebPreferences('/app/preload.cjs', false)).toEqual({
      preload: '/app/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false,
      experimentalFeatures: false, enableBlinkFeatures: '', disableBlinkFeatures: 'Auxclick', navigateOnDragDrop: false, safeDialogs: true, spellcheck: false, devTools: false,
    });
  });

  it('is created with exactly those preferences, denies every new window and every navigation away from index.html', async () => {
    const { createMainWindow } = await import('./window.js');
    createMainWindow({ indexUrl: INDEX, preloadPath: '/app/preload.cjs', iconPath: '/app/icon.png', devTools: false });
    const [window] = recorded.windows;
    expect(window!.options.webPreferences).toEqual(windowWebPreferences('/app/preload.cjs', false));

    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'https://explorer.solana.com/tx/abc']) expect(window!.openHandler!({ url })).toEqual({ action: 'deny' });
    // Only the explorer link went to the system browser, and no window opened for it.
    expect(recorded.opened).toEqual(['https://explorer.solana.com/tx/abc']);

    const refused = (event: string, url: string) => {
      const preventDefault = vi.fn();
      window!.events.get(event)!({ preventDefault }, url);
      return preventDefault.mock.calls.length > 0;
    };
    expect(refused('will-navigate', 'https://evil.example/')).toBe(true);
    expect(refused('will-navigate', `${INDEX}#/earnings`)).toBe(false);
    expect(refused('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(refused('will-attach-webview', 'https://evil.example/')).toBe(true);
  });
});

describe('the session', () => {
  it('answers every permission request and check with no, and sends the CSP on every response', async () => {
    const { hardenSession } = await import('./window.js');
    let headers: ((details: { responseHeaders: Record<string, string[]> }, callback: (answer: unknown) => void) => void) | null = null;
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
    let check: (() => boolean) | null = null;
    let device: (() => boolean) | null = null;
    const session = {
      webRequest: { onHeadersReceived: (listener: typeof headers) => (headers = listener) },
      setPermissionRequestHandler: (handler: typeof request) => (request = handler),
      setPermissionCheckHandler: (handler: typeof check) => (check = handler),
      setDevicePermissionHandler: (handler: typeof device) => (device = handler),
    };
    hardenSession(session as never);

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answer = vi.fn();
      request!(null, permission, answer);
      expect(answer).toHaveBeenCalledWith(false);
    }
    expect(check!()).toBe(false);
    expect(device!()).toBe(false);
    const answer = vi.fn();
    headers!({ responseHeaders: { 'x-other': ['1'] } }, answer);
    expect(answer).toHaveBeenCalledWith({ responseHeaders: { 'x-other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});

/** A CSP as a map of directive → sources, so two policies compare whatever their order. */
function directives(policy: string): Map<string, string> {
  return new Map(policy.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, ...sources] = part.split(/\s+/);
    return [name!, sources.join(' ')];
  }));
}

describe('the page itself', () => {
  it("carries the session's CSP in its own meta tag too (all but frame-ancestors, which a meta tag cannot set)", () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    const expected = directives(CONTENT_SECURITY_POLICY);
    expected.delete('frame-ancestors');
    expect(directives(meta![1]!)).toEqual(expected);
  });
});

describe('IPC', () => {
  it('answers only our own page, and parses every argument before a handler sees it', async () => {
    const { registerIpc } = await import('./ipc.js');
    const pauseEarning = vi.fn(async () => undefined);
    registerIpc({ pauseEarning } as unknown as ProviderHandlers, INDEX);
    const handler = recorded.handlers.get('offhours:invoke:pauseEarning');
    expect(handler).toBeTypeOf('function');

    const from = (url: string | undefined) => ({ senderFrame: url === undefined ? null : { url } });
    const refused = await handler!(from('https://evil.example/'), { kind: 'for', minutes: 60 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handler!(from(undefined), { kind: 'for', minutes: 60 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(pauseEarning).not.toHaveBeenCalled();

    const malformed = await handler!(from(`${INDEX}#/schedule`), { kind: 'for', minutes: 'soon' });
    expect(malformed).toMatchObject({ ok: false });
    expect(pauseEarning).not.toHaveBeenCalled();

    expect(await handler!(from(`${INDEX}#/schedule`), { kind: 'for', minutes: 60 })).toEqual({ ok: true, value: undefined });
    expect(pauseEarning).toHaveBeenCalledWith({ kind: 'for', minutes: 60 });
  });
});

describe('the preload', () => {
  it('exposes one object, window.offhours, and nothing else', async () => {
    await import('../preload/preload.js');
    expect(recorded.exposed.map((entry) => entry.key)).toEqual(['offhours']);
  });
});
