import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offhours } from './commands/test-support/cli-run.js';

/**
 * A stand-in for the daemon's HTTP side that answers every method with what the test says, and records what was
 * asked: to show what the CLI does with answers the real daemon never gives (outside the contract, refusals).
 */
interface Recorded {
  method: string;
  authorization: string | undefined;
  body: unknown;
}

let dir: string;
let server: Server;
let answer: (method: string) => unknown;
let requests: Recorded[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-daemon-client-'));
  requests = [];
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += String(chunk)));
    request.on('end', () => {
      const method = request.url!.replace('/api/rpc/', '');
      requests.push({ method, authorization: request.headers.authorization, body: JSON.parse(text) });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer(method)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ url: `http://127.0.0.1:${port}/`, port, host: '127.0.0.1', token: 'secret-token', pid: process.pid }));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the CLI talks to the running Offhours through the typed ProviderApi client', () => {
  it('rejects an answer outside the contract with words and a next step, instead of printing what a cast made of it', async () => {
    answer = () => ({ ok: true, value: { availability: 'soon' } });
    const status = await offhours('status', '--data-dir', dir);
    expect(status.code).toBe(1);
    expect(status.stdout).toBe('');
    expect(status.stderr).toMatch(/^The Offhours service sent an answer to getState that this program does not understand \(.+\)\.\n {2}Next: Restart Offhours/);
    expect(requests).toEqual([{ method: 'getState', authorization: 'Bearer secret-token', body: {} }]);
  });

  it('sends the method’s input and checks the answer against that method’s schema', async () => {
    answer = () => ({ ok: true, value: { schedule: { pausedUntil: 'forever' } } });
    const paused = await offhours('pause', '--until-resume', '--data-dir', dir);
    expect(requests).toEqual([{ method: 'pauseEarning', authorization: 'Bearer secret-token', body: { input: { kind: 'until-resume' } } }]);
    // Half a Settings object is not a Settings object: the verb says so rather than reading the half it got.
    expect(paused.code).toBe(1);
    expect(paused.stderr).toMatch(/answer to pauseEarning that this program does not understand/);
  });

  it('prints a refusal with its next step and exits 1; exit 3 stays for "not running"', async () => {
    answer = () => ({ ok: false, error: { code: 'wallet-not-backed-up', message: 'Back up the wallet first.', nextStep: 'Run "offhours wallet export --yes".' } });
    const refused = await offhours('network', '--data-dir', dir);
    expect(refused).toMatchObject({ code: 1, stdout: '', stderr: 'Back up the wallet first.\n  Next: Run "offhours wallet export --yes".\n' });

    answer = () => 'not a result at all';
    const garbled = await offhours('earnings', '--data-dir', dir);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(/answer to getState that this program does not understand \(not a result or an error\)/);
  });

  it('says how to recover from a damaged daemon.json instead of throwing a stack', async () => {
    writeFileSync(join(dir, 'daemon.json'), '{"port": "eighty"');
    const status = await offhours('status', '--data-dir', dir);
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/daemon\.json is damaged[\s\S]*Next: restart it with "offhours headless"/);
  });
});
