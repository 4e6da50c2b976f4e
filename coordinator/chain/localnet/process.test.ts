import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSolanaRpc } from '@solana/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLocalnetProcess } from './process.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'offhours-localnet-process-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const out = { stdout: '', stderr: '' };
  return { out, stop: () => stop(), io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), stopRequested: () => stopped } };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('offhours localnet', () => {
  it('prints one ready line, serves, and stops cleanly (state kept, folder unlocked) when asked', async () => {
    const run = io();
    const exit = runLocalnetProcess(['--port', '0'], {}, dir, run.io);
    await until(() => run.out.stdout.includes('\n'));
    const ready = JSON.parse(run.out.stdout) as { ready: boolean; url: string };
    expect(ready).toEqual({ ready: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(await createSolanaRpc(ready.url).getHealth().send()).toBe('ok');
    expect(existsSync(join(dir, 'localnet', 'localnet.lock'))).toBe(true); // <data>/localnet by default
    run.stop();
    expect(await exit).toBe(0);
    expect(existsSync(join(dir, 'localnet', 'localnet.lock'))).toBe(false);
    expect(existsSync(join(dir, 'localnet', 'genesis.json'))).toBe(true);
  });

  it('refuses bad options (exit 2) and says why it cannot start (exit 1)', async () => {
    const bad = io();
    expect(await runLocalnetProcess(['--port', 'x'], {}, dir, bad.io)).toBe(2);
    expect(bad.out.stderr).toMatch(/--port must be a whole number[\s\S]*Usage: offhours localnet/);
    expect(await runLocalnetProcess(['--nope'], {}, dir, bad.io)).toBe(2);

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const busy = io();
    try {
      expect(await runLocalnetProcess(['--port', String(port), '--data-dir', join(dir, 'a')], {}, dir, busy.io)).toBe(1);
    } finally {
      taken.close();
    }
    expect(busy.out.stderr).toMatch(new RegExp(`Port ${port} is already in use`));
    expect(existsSync(join(dir, 'a', 'localnet.lock'))).toBe(false); // a failed start lets go of the folder
  });
});
