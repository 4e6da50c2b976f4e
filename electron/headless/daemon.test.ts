import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GpuInventory } from '../../protocol/gpu.js';
import { defaultSettings, type Settings } from '../../protocol/settings.js';
import { ProviderCore } from '../core/api.js';
import type { SettingsStore } from '../core/ports.js';
import { headlessCommand } from './commands/headless.js';
import { DASHBOARD_CONTENT_SECURITY_POLICY, hostAllowed, MAX_CLIENT_BACKLOG_BYTES, startDaemon, tokensMatch, tooFarBehind, type RunningDaemon } from './daemon.js';

class MemorySettingsStore implements SettingsStore {
  saved: Settings = defaultSettings();
  load() {
    return { settings: this.saved, quarantined: null, migratedFrom: null };
  }
  save(settings: Settings) {
    this.saved = settings;
  }
}

const NO_GPU: GpuInventory = { status: 'no-gpu', gpus: [], reason: 'none here', nextStep: 'add one', detectedAt: '2026-01-01T00:00:00.000Z' };
const TOKEN = 'test-token-0123456789';

function makeCore() {
  return new ProviderCore({
    mode: 'headless',
    appVersion: '0.0.0-test',
    dataDir: mkdtempSync(join(tmpdir(), 'offhours-daemon-')),
    ports: {
      clock: { now: () => 0 },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      gpuProbe: { detect: async () => NO_GPU },
      settingsStore: new MemorySettingsStore(),
    },
  });
}

function rawRequest(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

/**
 * Writes raw bytes on a real socket and collects what comes back until the server closes it (or `waitMs` passes).
 * `closed` tells whether the server ended the connection within that time.
 */
function rawExchange(port: number, chunks: string[], waitMs: number): Promise<{ answer: string; closed: boolean; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, closed: false, afterMs: Date.now() - started });
    }, waitMs);
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closed: true, afterMs: Date.now() - started });
    });
    socket.on('connect', () => chunks.forEach((chunk) => socket.write(chunk)));
  });
}

const upgradeRequest = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;

let running: RunningDaemon | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

describe('headless daemon', () => {
  it('refuses API calls without the right token and accepts the right one', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    expect(await rawRequest(running.port, '/api/rpc/getState', {})).toBe(401);
    expect(await rawRequest(running.port, '/api/rpc/getState', { authorization: 'Bearer wrong' })).toBe(401);
    expect(await rawRequest(running.port, '/api/rpc/getState', { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/?token=${TOKEN}`);
  });

  it('sends a CSP that allows no inline code or styles and no connection but back to itself', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const response = await fetch(`http://127.0.0.1:${running.port}/`);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:|ws:/);
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  });

  it('rejects a foreign Host header (DNS rebinding) even with the token', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    expect(await rawRequest(running.port, '/api/rpc/getState', { authorization: `Bearer ${TOKEN}`, host: 'evil.example:80' })).toBe(421);
  });

  it('pushes state snapshots over the WebSocket when something changes', async () => {
    const core = makeCore();
    running = await startDaemon({ core, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const socket = new WebSocket(`ws://127.0.0.1:${running.port}/api/events?token=${TOKEN}`);
    const revisions: number[] = [];
    const gotGpus = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event: string; payload: { revision: number; gpus: unknown } };
        revisions.push(message.payload.revision);
        if (message.payload.gpus) resolve();
      }),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    await core.start();
    await gotGpus;
    socket.close();
    expect(revisions[0]).toBe(0);
    expect(revisions.at(-1)).toBeGreaterThan(0);
  });

  it('drops a dashboard that stopped reading instead of queueing events for it without end; others stay', async () => {
    expect(tooFarBehind(MAX_CLIENT_BACKLOG_BYTES)).toBe(false);
    expect(tooFarBehind(MAX_CLIENT_BACKLOG_BYTES + 1)).toBe(true);
    const core = makeCore();
    running = await startDaemon({ core, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const url = `ws://127.0.0.1:${running.port}/api/events?token=${TOKEN}`;
    const asleep = new WebSocket(url);
    const awake = new WebSocket(url);
    await Promise.all([asleep, awake].map((s) => new Promise((resolve) => s.once('open', resolve))));
    asleep.pause(); // a frozen tab: its socket is never read
    let awakeGot = 0;
    // Every event of the flood: the dashboard that reads misses nothing.
    const awakeGotAll = new Promise<void>((resolve) => awake.on('message', (data) => String(data).includes('"benchProgress"') && ++awakeGot === 4096 && resolve()));
    const asleepClosed = new Promise<number>((resolve) => asleep.once('close', resolve));
    const message = { runId: 'flood', running: true, stage: 'proof', kernel: null, perMille: 1, message: 'x'.repeat(16 * 1024), startedAt: '', error: null } as const;
    // 64 MiB of events: far more than the socket buffers hold, so the server queue must grow past the bound.
    for (let i = 0; i < 4096; i++) {
      core.events.emit('benchProgress', message);
      if (i % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    asleep.resume();
    expect(await asleepClosed).toBe(1006); // terminated, not closed politely behind the backlog
    await awakeGotAll;
    expect(awake.readyState).toBe(WebSocket.OPEN);
    awake.close();
  });

  it('closes the WebSocket for a wrong token', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const socket = new WebSocket(`ws://127.0.0.1:${running.port}/api/events?token=nope`);
    const outcome = await new Promise<string>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      socket.on('error', (error) => resolve(`error ${error.message}`));
      socket.on('open', () => resolve('open'));
    });
    expect(outcome).toMatch(/401/);
  });

  it('refuses API calls whose path spells /api/ with percent-escapes (the router decodes them)', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    expect(await rawRequest(running.port, '/%61pi/rpc/getState', {})).toBe(401);
    expect(await rawRequest(running.port, '/%61%70%69/rpc/getState', {})).toBe(401);
    expect(await rawRequest(running.port, '/api/%72pc/getState', {})).toBe(401);
    const socket = new WebSocket(`ws://127.0.0.1:${running.port}/%61pi/events`);
    const outcome = await new Promise<string>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      socket.on('error', (error) => resolve(`error ${error.message}`));
      socket.on('open', () => resolve('open'));
    });
    expect(outcome).toMatch(/401/);
  });

  it('pushes the settings to dashboards after a change made through the API (as offhours pause and the CLI do)', async () => {
    const core = makeCore();
    const pushes: Array<{ revision: number; settings: Settings }> = [];
    core.events.on('settings', (push) => pushes.push(push));
    running = await startDaemon({ core, host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const socket = new WebSocket(`ws://127.0.0.1:${running.port}/api/events?token=${TOKEN}`);
    const pushed = new Promise<{ revision: number; settings: Settings }>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event: string; payload: { revision: number; settings: Settings } };
        if (message.event === 'settings') resolve(message.payload);
      }),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = await fetch(`http://127.0.0.1:${running.port}/api/rpc/updateSettings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { schedule: { pausedUntil: 'forever' } } }),
    });
    expect(reply.status).toBe(200);
    const push = await pushed;
    expect(push.settings.schedule.pausedUntil).toBe('forever');
    socket.close();
    // Core emits one push per change, each with a higher revision.
    await core.handlers.updateSettings({ schedule: { pausedUntil: null } });
    expect(pushes.map((p) => p.settings.schedule.pausedUntil)).toEqual(['forever', null]);
    expect(pushes[1]!.revision).toBeGreaterThan(pushes[0]!.revision);
  });

  it('refuses a WebSocket upgrade on any route but /api/events before the handshake, and closes the socket', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    for (const path of ['/', '/api/rpc/getState', '/nowhere', `/?token=${TOKEN}`]) {
      const { answer, closed } = await rawExchange(running.port, [upgradeRequest(path)], 3000);
      expect(answer.split('\r\n')[0], path).toBe('HTTP/1.1 400 Bad Request');
      expect(answer).toContain('only accepted at /api/events');
      expect(closed, path).toBe(true);
    }
    const events = await rawExchange(running.port, [upgradeRequest(`/api/events?token=${TOKEN}`)], 500);
    expect(events.answer.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
  });

  it('cuts off a client that sends its headers and then trickles the body', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false, requestTimeoutMs: 400 });
    const head = `POST /api/rpc/getState HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`;
    const { answer, closed, afterMs } = await rawExchange(running.port, [head], 5000);
    expect(closed).toBe(true);
    expect(afterMs).toBeLessThan(4000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    // A prompt client is unaffected by the short limit.
    expect(await rawRequest(running.port, '/api/rpc/getState', { authorization: `Bearer ${TOKEN}` })).toBe(200);
  });

  it('accepts only exact loopback host[:port] forms in the Host header', async () => {
    running = await startDaemon({ core: makeCore(), host: '127.0.0.1', port: 0, token: TOKEN, rendererDir: '/nonexistent', allowRemote: false });
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const host of ['127.0.0.1:evil.com', '[::1]evil.com', '127.0.0.1:80:80', 'localhost.evil.com', '127.0.0.1:99999', 'localhost:']) {
      expect(await rawRequest(running.port, '/api/rpc/getState', { ...auth, host }), host).toBe(421);
    }
    for (const host of ['127.0.0.1', `127.0.0.1:${running.port}`, 'localhost:1234', '[::1]:8080', 'LOCALHOST']) {
      expect(await rawRequest(running.port, '/api/rpc/getState', { ...auth, host }), host).toBe(200);
    }
  });

  it('with --allow-remote accepts the configured address (any well-formed host for a wildcard), still strictly parsed', () => {
    expect(hostAllowed('192.168.1.5:4000', '192.168.1.5', true)).toBe(true);
    expect(hostAllowed('192.168.1.5:4000', '192.168.1.5', false)).toBe(false);
    expect(hostAllowed('evil.example', '192.168.1.5', true)).toBe(false);
    expect(hostAllowed('192.168.1.5:evil.com', '192.168.1.5', true)).toBe(false);
    expect(hostAllowed('[fd00::1]:4000', 'fd00::1', true)).toBe(true);
    expect(hostAllowed('rig.lan:4000', '0.0.0.0', true)).toBe(true);
    expect(hostAllowed('rig.lan:4000/x', '0.0.0.0', true)).toBe(false);
    expect(hostAllowed(undefined, '0.0.0.0', true)).toBe(false);
  });

  it('compares tokens in constant time and rejects empty ones', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('abc', 'ab')).toBe(false);
    expect(tokensMatch('abc', undefined)).toBe(false);
  });
});

describe('offhours headless', () => {
  it('refuses a non-loopback address without --allow-remote, before starting anything', async () => {
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await headlessCommand.run(['--host', '0.0.0.0', '--data-dir', mkdtempSync(join(tmpdir(), 'oh-'))])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/Refusing to listen on 0\.0\.0\.0.*--allow-remote/s);
  });
});
